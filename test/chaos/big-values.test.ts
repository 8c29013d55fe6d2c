// Big values (issue 10, defect 8: "one big value opens the breaker"). A read slower than the
// timeout because its value is big is one slow key, not a node outage: the commands queued
// behind it on the connection time out too (replies come in order), but the node's bytes keep
// arriving, so its breaker stays closed and the next lookup is served from the cache. And a
// 60 MB value is fetched once, stored once and then read back (the limits: packages/cacheme/README.md).
import { randomUUID } from 'node:crypto'
import { cached, createClient, type Client } from 'cacheme'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js'
import { Redis } from '../harness/ioredis.js'
import { startRedisServer, type RedisServer } from '../harness/redis-server.js'
import { countingStore, recordingLogger, timed } from './support/stores.js'

const MB = 1024 * 1024

describe('big values', () => {
  let server: RedisServer
  let proxy: FaultProxy
  let direct: Redis
  const clients: Client[] = []
  const open = (options: Parameters<typeof createClient>[0]) => {
    const client = createClient(options)
    clients.push(client)
    return client
  }
  beforeAll(async () => {
    server = await startRedisServer()
    proxy = await startFaultProxy(server.port)
    direct = new Redis({ port: server.port, host: '127.0.0.1' })
  })
  afterEach(async () => {
    proxy.clear()
    await Promise.all(clients.splice(0).map((c) => c.close()))
  })
  afterAll(async () => {
    direct.disconnect()
    await proxy.close()
    await server.stop()
  })

  it('a read slower than the timeout (a big foreign value on a slow link) does not open the breaker', async () => {
    // Timeout 1 s; the big reply takes 1.5 s (3 MB at 2 MB/s): longer than one timeout, shorter than two.
    const client = open({ redis: proxy.url, prefix: `big-${randomUUID().slice(0, 8)}`, timeout: 1000 })
    const counting = countingStore(client)
    expect(await counting.store.get({ id: 2 })).toEqual({ id: 2, n: 1 }) // cached
    await direct.set(counting.store.key({ id: 1 }), Buffer.alloc(3 * MB, 0x61)) // another program's bytes
    proxy.bandwidth(2 * MB, 'toClient')

    const big = counting.store.get({ id: 1 })
    await new Promise((resolve) => setImmediate(resolve)) // its GET is on the wire
    // Queued behind the big reply on the same connection: it times out as well.
    const behind = counting.store.get({ id: 2 })
    const [slow, queued] = await timed('the big read and the one behind it', 2000, () => Promise.all([big, behind])).then((r) => r.value)
    expect(slow).toEqual({ id: 1, n: 1 }) // fell back to the fetcher within the timeout
    expect(queued).toEqual({ id: 2, n: 2 })

    // Two timeouts in a row, but the node kept sending: not skipped. The next lookup goes out
    // (after the rest of the big reply) and is a hit.
    const next = await timed('the next lookup', 1000, () => counting.store.get({ id: 2 }))
    expect(next.value).toEqual({ id: 2, n: 1 })
    expect(counting.fetches.get(2)).toBe(2)

    // On a fast link again, the foreign value is replaced by the store's own, and then read.
    proxy.bandwidth(0)
    expect(await counting.store.get({ id: 1 })).toEqual({ id: 1, n: 2 })
    expect(await counting.store.get({ id: 1 })).toEqual({ id: 1, n: 2 })
    expect(counting.fetches.get(1)).toBe(2)
  })

  it('a 60 MB value is fetched once by two clients, stored once and read back', { timeout: 60_000 }, async () => {
    const prefix = `big-${randomUUID().slice(0, 8)}`
    const url = `redis://127.0.0.1:${server.port}`
    const log = recordingLogger()
    // 60 MB takes from a few hundred ms to seconds through Redis on a busy machine (the waiter
    // reads it back: too big for a notice), so the clients get a timeout that fits the value, as
    // packages/cacheme/README.md tells users to ("Big values"): what is tested is once, not speed.
    const holder = open({ redis: url, prefix, timeout: 20_000 })
    const waiter = open({ redis: url, prefix, timeout: 20_000, logger: log.logger })
    let fetches = 0
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let started!: () => void
    const fetching = new Promise<void>((resolve) => {
      started = resolve
    })
    const name = `big-${randomUUID().slice(0, 8)}`
    const storeOf = (client: Client) =>
      cached(
        'big:<<id>>',
        async () => {
          fetches++
          started()
          await gate
          return 'x'.repeat(60 * MB)
        },
        { ttl: 3600, client, name },
      )
    const holding = storeOf(holder).get({ id: 1 })
    await timed('the holder fetching', 5000, () => fetching)
    const waiting = storeOf(waiter).get({ id: 1 })
    await timed('the other client waiting on the holder', 5000, () => log.seen(['WAIT']))
    release()
    const [a, b] = await timed('both gets', 30_000, () => Promise.all([holding, waiting])).then((r) => r.value)
    expect(a.length).toBe(60 * MB)
    expect(b).toBe(a)
    expect(fetches).toBe(1)
    expect(await direct.strlen(storeOf(holder).key({ id: 1 }))).toBeGreaterThan(60 * MB)
    const again = await storeOf(waiter).get({ id: 1 })
    expect(again.length).toBe(60 * MB)
    expect(fetches).toBe(1)
    // The waiter read the holder's value (a HIT each time), never fetched, never failed.
    expect(log.lines.map((l) => l.op)).toEqual(['WAIT', 'HIT', 'HIT'])
  })
})
