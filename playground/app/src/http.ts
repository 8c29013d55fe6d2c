import type { IncomingMessage, ServerResponse } from 'node:http'

/** A failure with the HTTP status it answers with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.end(JSON.stringify(body, null, 2) + '\n')
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = ''
  for await (const chunk of req) {
    text += chunk
    if (text.length > 64_000) throw new HttpError(413, 'the body is larger than 64 kB')
  }
  try {
    const value: unknown = JSON.parse(text)
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // answered below
  }
  throw new HttpError(400, 'the body must be a JSON object')
}

/** A positive integer id from a path segment or query value. */
export function parseID(text: string, what: string): number {
  const id = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1)
    throw new HttpError(400, `${what} must be a positive integer, got '${text}'`)
  return id
}

export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field]
  if (typeof value !== 'string' || value.trim() === '')
    throw new HttpError(400, `'${field}' must be a non-empty string, got ${JSON.stringify(value)}`)
  return value
}
