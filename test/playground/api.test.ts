import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebServer, type WebServer } from '../../playground/dist/server/web-server.js'

describe("the page's API", () => {
  let web: WebServer
  beforeAll(async () => {
    web = await startWebServer({ port: 0, host: '127.0.0.1' })
  })
  afterAll(() => web?.close())

  const call = async (path: string, init: RequestInit) => {
    const response = await fetch(new URL(path, web.url), init)
    return { status: response.status, body: (await response.json()) as any }
  }

  it('POST /api/transform returns the emitted code and diagnostics with line:col', async () => {
    const source = `import { cached } from 'cacheme'\nconst f = async ({ id }: { id: number }) => id\nexport const g = (id: number) => cached('n:<<id>>', f, '5x').get({ id })\n`
    const { status, body } = await call('/api/transform', { method: 'POST', body: JSON.stringify({ source }) })
    expect(status).toBe(200)
    expect(body.diagnostics).toEqual([expect.objectContaining({ severity: 'error', line: 3, column: expect.any(Number) })])
  })

  it('POST /api/transform points at a syntax error when the compiler has nothing to do', async () => {
    const { status, body } = await call('/api/transform', {
      method: 'POST',
      body: JSON.stringify({ source: 'const x = 1\nconst y = (\n' }),
    })
    expect(status).toBe(200)
    expect(body).toMatchObject({ changed: false, diagnostics: [{ severity: 'error', line: 3, column: 1 }] })
  })

  it('answers a malformed request with 400 and what was wrong', async () => {
    expect(await call('/api/run', { method: 'POST', body: '{"source": 1}' })).toEqual({
      status: 400,
      body: { error: 'the body must be { "source": string }, got source of type number' },
    })
    expect(await call('/api/transform', { method: 'POST', body: 'nope' })).toMatchObject({ status: 400 })
    expect(await call('/api/transform', { method: 'GET' })).toEqual({ status: 405, body: { error: 'use POST, not GET' } })
  })
})
