// The contract's "Bounded" and "Fault isolation" promises on standalone, under link faults (a
// fault proxy between the client and a private redis-server) and server stalls (DEBUG SLEEP):
// - a Redis stall shorter than `timeout` costs no extra fetches;
// - a get's cache work ends within `timeout`, however slow each round trip is;
// - a wait on another process never outlives `lock.wait` (however long that process's fetch runs);
// - no stored value of any shape makes a call wait longer than `lock.ttl` + `timeout`.
import { once } from 'node:events'
import { randomUUID } from 'node:crypto'
import { createClient, type Client } from 'cacheme'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { debugSleep } from '../harness/cluster-faults.js'
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js'
import { Redis } from '../harness/ioredis.js'
import { startRedisServer, type RedisServer } from '../harness/redis-server.js'
import { countingStore, holdKey, recordingLogger, timed } from './support/stores.js'

/** How far past a bound a call may settle: event-loop and scheduling slack on a busy machine. */
const MARGIN_MS = 250
const KEYS = 50

describe('bounded under faults (standalone)', () => {
  let server: RedisServer
  let proxy: FaultProxy
  let admin: Redis
  const clients: Client[] = []
  const client = (options: Parameters<typeof createClient>[0] = {}) => {
    const c = createClient({ redis: proxy.url, prefix: `chaos-${randomUUID().slice(0, 8)}`, ...options })
    clients.push(c)
    return c
  }

  beforeAll(async () => {
    server = await startRedisServer({ args: ['--enable-debug-command', 'local'] })
    proxy = await startFaultProxy(server.port)
    admin = new Redis(server.url)
  })
  afterEach(async () => {
    proxy.clear()
    await Promise.all(clients.splice(0).map((c) => c.close()))
  })
  afterAll(async () => {
    admin.disconnect()
    await proxy.close()
    await server.stop()
  })

  const ids = Array.from({ length: KEYS }, (_, i) => i)

  it('a 300 ms stall of the link (timeout 1000 ms) costs no extra fetches', async () => {
    const { store, totalFetches } = countingStore(client({ timeout: 1000 }))
    await store.getMany(ids.map((id) => ({ id })))
    expect(totalFetches()).toBe(KEYS)
    proxy.stall()
    const held = once(proxy.events, 'held')
    const reads = Promise.all(ids.map((id) => store.get({ id })))
    await held // the lookups are on the wire and stuck
    setTimeout(() => proxy.resume(), 300) // the stall's length (the fault), not a synchronisation
    const values = await reads
    expect(values).toEqual(ids.map((id) => ({ id, n: 1 })))
    expect(totalFetches()).toBe(KEYS) // no extra fetch
  })

  it('a 300 ms DEBUG SLEEP of the server (timeout 1000 ms) costs no extra fetches', async () => {
    const { store, totalFetches } = countingStore(client({ timeout: 1000 }))
    await store.getMany(ids.map((id) => ({ id })))
    const { done } = await debugSleep(server, 0.3)
    const values = await Promise.all(ids.map((id) => store.get({ id })))
    await done
    expect(values).toEqual(ids.map((id) => ({ id, n: 1 })))
    expect(totalFetches()).toBe(KEYS)
  })

  it('a stall longer than timeout falls back at most once per key in a process (dedupe holds)', async () => {
    const { store, fetches } = countingStore(client({ timeout: 300 }))
    await store.getMany(ids.map((id) => ({ id })))
    const before = new Map(fetches)
    proxy.stall()
    const held = once(proxy.events, 'held')
    // Five concurrent callers per key while Redis does not answer.
    const reads = Promise.all(ids.flatMap((id) => Array.from({ length: 5 }, () => store.get({ id }))))
    await held
    const values = await timed('gets during a stall', 300 + 1000 + MARGIN_MS, () => reads)
    proxy.resume()
    expect(values.value.map((v) => v.id)).toEqual(ids.flatMap((id) => [id, id, id, id, id]))
    const extra = ids.map((id) => (fetches.get(id) ?? 0) - (before.get(id) ?? 0))
    expect(Math.max(...extra), `extra fetches per key: ${extra.join(',')}`).toBeLessThanOrEqual(1)
  })

  it("a cold get's cache work ends within timeout with 900 ms per round trip", async () => {
    const { store } = countingStore(client({ timeout: 1000 }))
    await store.get({ id: -1 }) // connected
    proxy.latency(450) // each way: 900 ms per round trip
    const { value, ms } = await timed('a cold get', 10_000, () => store.get({ id: 1 }))
    expect(value).toEqual({ id: 1, n: 1 })
    expect(ms, `a cold get took ${Math.round(ms)} ms with timeout 1000 ms`).toBeLessThanOrEqual(1000 + MARGIN_MS)
  })

  it('a get of a cached key ends within timeout with 900 ms per round trip', async () => {
    const { store } = countingStore(client({ timeout: 1000 }))
    await store.get({ id: 1 })
    proxy.latency(450)
    const { value, ms } = await timed('a warm get', 10_000, () => store.get({ id: 1 }))
    expect(value.id).toBe(1)
    expect(ms, `a warm get took ${Math.round(ms)} ms with timeout 1000 ms`).toBeLessThanOrEqual(1000 + MARGIN_MS)
  })

  it('a waiter whose link stalls settles within lock.wait + timeout of its start', async () => {
    const prefix = `chaos-${randomUUID().slice(0, 8)}`
    // The holder: a direct client whose fetch blocks until released.
    const held = holdKey(client({ redis: server.url, prefix, timeout: 500 }), 7, { ttl: '5s', wait: '1s' })
    try {
      await held.fetching
      // The waiter, through the proxy.
      const log = recordingLogger()
      const waiterStore = held.waiterStore(client({ prefix, timeout: 500, logger: log.logger }))
      const started = performance.now()
      const waiting = waiterStore.get({ id: 7 })
      await timed('the waiter logging WAIT', 5000, () => log.seen(['WAIT']))
      proxy.stall()
      await timed('the stalled waiter', 10_000, () => waiting)
      const total = performance.now() - started
      expect(total, `the waiter settled ${Math.round(total)} ms after its start`).toBeLessThanOrEqual(1000 + 500 + MARGIN_MS)
    } finally {
      held.release()
      await held.holding
    }
  })

  it('a wait on a live holder never outlives lock.wait', async () => {
    const prefix = `chaos-${randomUUID().slice(0, 8)}`
    // The holder's fetch stays in flight (and its lock extended) for the whole test.
    const held = holdKey(client({ redis: server.url, prefix, timeout: 500 }), 3, { ttl: '5s', wait: '1s' })
    try {
      await held.fetching
      const waiterStore = held.waiterStore(client({ redis: server.url, prefix, timeout: 500 }))
      // lock.wait, plus the cache work around it (at most timeout), plus slack.
      const { value } = await timed('a waiter on a live holder', 1000 + 500 + MARGIN_MS, () => waiterStore.get({ id: 3 }))
      expect(value.id).toBe(3)
    } finally {
      held.release()
      await held.holding
    }
  })

  it('a marker-shaped foreign value (no TTL) never holds get or getMany past lock.ttl + timeout', async () => {
    const log = recordingLogger()
    const c = client({ timeout: 500, logger: log.logger })
    const { store } = countingStore(c, { lock: { ttl: '1s' } })
    // The shape of cacheme's own markers (header 0xC1 'cm' 1 'l' + 32 hex characters), and the one wave 1 wrote.
    const marker = (token: string) =>
      Buffer.concat([Buffer.from([0xc1, 0x63, 0x6d, 1, 0x6c]), Buffer.from(token.padEnd(32, '0').slice(0, 32))])
    const oldMarker = (token: string) =>
      Buffer.concat([Buffer.from('\x00\xffcacheme-lock:', 'latin1'), Buffer.from(token.padEnd(32, '0').slice(0, 32))])
    await admin.set(store.key({ id: 1 }), marker('a'))
    await admin.set(store.key({ id: 2 }), marker('b'), 'EX', 3600)
    await admin.set(store.key({ id: 3 }), oldMarker('c'))
    const bound = 1000 + 500 + MARGIN_MS
    const one = await timed('get of a key holding a foreign marker', bound, () => store.get({ id: 1 }))
    expect(one.value).toEqual({ id: 1, n: 1 })
    await admin.set(store.key({ id: 1 }), marker('c'))
    const many = await timed('getMany of keys holding foreign markers', bound, () => store.getMany([{ id: 1 }, { id: 2 }, { id: 3 }]))
    expect(many.value.map((v) => v.id)).toEqual([1, 2, 3])
  })
})
