import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { afterEach, expect, inject, test } from 'vitest'
import { startChild, type Child } from '../../harness/children.js'
import { startFaultProxy, type FaultProxy } from '../../harness/fault-proxy.js'

// close() with Redis unreachable ends promptly and leaves nothing behind: the child process
// must then exit by itself (Child.exit fails if a socket or timer keeps it alive).
const CHILD = new URL('./children/close-child.mjs', import.meta.url)
const TIMEOUT_MS = 2000
/** What close() may take over its bound (min(timeout, 200 ms)) on a loaded machine. */
const SLACK_MS = 400

let child: Child | undefined
let proxy: FaultProxy | undefined

afterEach(async () => {
  await child?.kill()
  await proxy?.close()
  child = proxy = undefined
})

async function start(timeoutMs = TIMEOUT_MS): Promise<Child> {
  proxy = await startFaultProxy(inject('redis').standalone.port)
  return (child = await startChild(CHILD, {
    env: { REDIS_URL: proxy.url, PREFIX: `close-${randomUUID()}`, TIMEOUT_MS: String(timeoutMs) },
  }))
}

async function closeAndExit(c: Child): Promise<number> {
  const ms = await c.request<number>('close')
  expect(await c.exit(5_000)).toEqual({ code: 0, signal: null })
  child = undefined
  return ms
}

test('Redis answering: close() says QUIT and ends at once; the process exits by itself', async () => {
  const c = await start()
  expect(await c.request('get', { id: 1 })).toEqual({ id: 1 })
  expect(await closeAndExit(c)).toBeLessThan(SLACK_MS)
})

test('a blackholed Redis (accepts, never answers): close() ends without waiting for a reply', async () => {
  const c = await start()
  proxy!.blackhole(true)
  const blackholed = once(proxy!.events, 'blackholed')
  proxy!.reset() // the open connection goes; its reconnect lands in the blackhole
  await blackholed
  expect(await c.request('get', { id: 1 }, TIMEOUT_MS * 5)).toEqual({ id: 1 }) // falls back to the fetcher
  const ms = await closeAndExit(c)
  console.log(`[close] blackholed Redis: close() took ${ms} ms (timeout ${TIMEOUT_MS} ms)`)
  expect(ms).toBeLessThan(SLACK_MS)
})

test('a Redis that hangs on a ready connection: close() gives QUIT at most min(timeout, 200 ms)', async () => {
  const c = await start()
  expect(await c.request('get', { id: 1 })).toEqual({ id: 1 })
  proxy!.stall()
  const ms = await closeAndExit(c)
  console.log(`[close] stalled Redis: close() took ${ms} ms (timeout ${TIMEOUT_MS} ms)`)
  expect(ms).toBeGreaterThanOrEqual(190)
  expect(ms).toBeLessThan(200 + SLACK_MS)
})

test('a client timeout under 200 ms bounds the wait for QUIT instead', async () => {
  const c = await start(80)
  expect(await c.request('get', { id: 1 })).toEqual({ id: 1 })
  proxy!.stall()
  const ms = await closeAndExit(c)
  expect(ms).toBeGreaterThanOrEqual(75)
  expect(ms).toBeLessThan(80 + SLACK_MS)
})

test('Redis gone (connection refused, reconnecting): close() ends at once', async () => {
  const c = await start()
  expect(await c.request('get', { id: 1 })).toEqual({ id: 1 })
  proxy!.drop(true)
  proxy!.reset()
  expect(await c.request('get', { id: 2 }, TIMEOUT_MS * 5)).toEqual({ id: 2 })
  expect(await closeAndExit(c)).toBeLessThan(SLACK_MS)
})
