// examples/readiness: /livez and /readyz over client.ping(), on a real redis-server behind the fault proxy.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import { afterEach, expect, inject, test } from 'vitest'
import { createClient, type Client } from 'cacheme'
import { healthHandler } from '../../examples/readiness/src/health.js'
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js'

const TIMEOUT_MS = 300
let server: Server | undefined
let client: Client | undefined
let proxy: FaultProxy | undefined

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  await client?.close()
  await proxy?.close()
  server = client = proxy = undefined
})

async function serve(c: Client): Promise<(path: string) => Promise<{ status: number; body: unknown }>> {
  client = c
  const health = healthHandler(c)
  server = createServer(async (req, res) => {
    if (await health(req, res)) return
    res.writeHead(404).end('{}')
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return async (path) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`)
    if (path !== '/other') expect(response.headers.get('cache-control')).toBe('no-store')
    return { status: response.status, body: await response.json() }
  }
}

test('the memory backend is ready at once', async () => {
  const get = await serve(createClient())
  expect(await get('/readyz')).toEqual({ status: 200, body: { ok: true } })
  expect(await get('/livez')).toEqual({ status: 200, body: { ok: true } })
  expect((await get('/other')).status).toBe(404)
})

test('Redis answering: ready; Redis hung: 503 naming the node within the client timeout, while still live', async () => {
  proxy = await startFaultProxy(inject('redis').standalone.port)
  const get = await serve(createClient({ redis: proxy.url, timeout: TIMEOUT_MS, prefix: `readiness-${randomUUID()}` }))
  expect(await get('/readyz')).toEqual({ status: 200, body: { ok: true } })
  proxy.stall()
  const started = performance.now()
  expect(await get('/readyz')).toEqual({
    status: 503,
    body: { ok: false, cache: proxy.url, error: `cacheme: Redis node redis did not answer within ${TIMEOUT_MS} ms` },
  })
  expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1000)
  expect(await get('/livez')).toEqual({ status: 200, body: { ok: true } })
  proxy.resume()
  expect(await get('/readyz')).toEqual({ status: 200, body: { ok: true } }) // one timeout does not open the breaker
})

test('a closed client is not ready', async () => {
  const c = createClient()
  const get = await serve(c)
  await c.close()
  expect(await get('/readyz')).toEqual({ status: 503, body: { ok: false, cache: c.description, error: 'cacheme: the client is closed' } })
})
