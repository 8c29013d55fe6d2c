import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Plugin } from 'vite'
import { runExample } from './run-example.js'
import { transformExample } from './transform-example.js'

const MAX_BODY_BYTES = 200_000

/**
 * The playground's server side, as middleware of the Vite dev server:
 * POST /api/transform { source } → the compiler's output and diagnostics;
 * POST /api/run { source } → the example run in a sandbox: logger lines, keys, console output;
 * GET /api/app → { url } of the example app the page reaches under /app/ (null: none).
 */
export function playgroundApi(options: { app?: string | undefined } = {}): Plugin {
  return {
    name: 'cacheme-playground-api',
    configureServer(server) {
      server.middlewares.use(
        '/api/transform',
        jsonEndpoint(async (source) => transformExample(source)),
      )
      server.middlewares.use(
        '/api/run',
        jsonEndpoint(async (source) => runExample(source)),
      )
      server.middlewares.use('/api/app', (_req: IncomingMessage, res: ServerResponse) => send(res, 200, { url: options.app ?? null }))
    },
  }
}

function jsonEndpoint(handle: (source: string) => Promise<unknown>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'POST') return send(res, 405, { error: `use POST, not ${req.method}` })
    readSource(req)
      .then(handle)
      .then(
        (result) => send(res, 200, result),
        (error: unknown) =>
          send(res, error instanceof BadRequest ? 400 : 500, { error: error instanceof Error ? error.message : String(error) }),
      )
  }
}

class BadRequest extends Error {}

async function readSource(req: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of req) {
    body += chunk
    if (body.length > MAX_BODY_BYTES) throw new BadRequest(`the example is larger than ${MAX_BODY_BYTES} bytes`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    throw new BadRequest('the body must be JSON: { "source": "..." }')
  }
  const source = (parsed as { source?: unknown } | null)?.source
  if (typeof source !== 'string') throw new BadRequest(`the body must be { "source": string }, got source of type ${typeof source}`)
  return source
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.end(JSON.stringify(body))
}
