import type { RunResult, TransformOutput } from '../server/api-types.js'

async function post<T>(path: string, source: string): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ source }),
  })
  const body = (await response.json()) as T & { error?: string }
  if (!response.ok) throw new Error(body.error ?? `${path} answered ${response.status}`)
  return body
}

export const transformSource = (source: string) => post<TransformOutput>('/api/transform', source)
export const runSource = (source: string) => post<RunResult>('/api/run', source)
