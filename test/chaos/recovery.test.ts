// "Caching resumes by itself when Redis returns" (contract, "Redis unavailable"), after link
// faults of the fault proxy: a reset, refused reconnects, and a blackhole that the client's
// reconnect lands in (accepted, never answered: the client must give up on that connection by
// itself; ioredis clears its connectTimeout once TCP connects). Once the fault is over, a get of
// a cached key is a hit again within RESUME_MS. (Found by the chaos run's flaky-network scenario.)
import { once } from 'node:events'
import { randomUUID } from 'node:crypto'
import { createClient, type Client } from 'cacheme'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js'
import { startRedisServer, type RedisServer } from '../harness/redis-server.js'
import { countingStore, timed, type CountingStore } from './support/stores.js'

/** How soon after the fault ends caching must be back: a few timeouts and a breaker cool-down. */
const RESUME_MS = 5000
/**
 * Under continuous reads, how soon after a blackhole ends hits must be back: the stuck attempt
 * is given up one timeout (1 s) after it connected, then one redial and its ready check.
 */
const RECOVER_MS = 3000
const IDS = Array.from({ length: 20 }, (_, id) => ({ id }))

describe('caching resumes after link faults', () => {
  let server: RedisServer
  let proxy: FaultProxy
  let client: Client
  let counting: CountingStore
  beforeAll(async () => {
    server = await startRedisServer()
    proxy = await startFaultProxy(server.port)
  })
  afterEach(async () => {
    proxy.clear()
    await client?.close()
  })
  afterAll(async () => {
    await proxy.close()
    await server.stop()
  })

  async function warm(logger?: { log: (store: string, key: string, op: string) => void }): Promise<void> {
    client = createClient({ redis: proxy.url, prefix: `chaos-${randomUUID().slice(0, 8)}`, timeout: 1000, ...(logger ? { logger } : {}) })
    counting = countingStore(client)
    await counting.store.getMany(IDS)
  }

  /** Reads the cached keys until a round needs no fetch; fails past RESUME_MS. */
  async function expectCachingResumes(): Promise<void> {
    const deadline = performance.now() + RESUME_MS
    let last = -1
    for (let rounds = 0; performance.now() < deadline && rounds < 100_000; rounds++) {
      const before = counting.totalFetches()
      await Promise.all(IDS.map((p) => counting.store.get(p)))
      last = counting.totalFetches() - before
      if (last === 0) return
      // Let time pass between rounds that fell back at once (an open breaker answers in microseconds).
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    throw new Error(
      `caching did not resume within ${RESUME_MS} ms after the fault ended (last round: ${last} of ${IDS.length} gets fetched)`,
    )
  }

  /** Reads during the fault, so the client notices it (its operations fail or time out). */
  async function readThrough(): Promise<void> {
    await Promise.all(IDS.map((p) => counting.store.get(p)))
  }

  it('after every connection is reset', async () => {
    await warm()
    proxy.reset()
    await readThrough()
    await expectCachingResumes()
  })

  it('after reconnects were refused for a while', async () => {
    await warm()
    proxy.drop()
    proxy.reset()
    await readThrough()
    await readThrough()
    proxy.drop(false)
    await expectCachingResumes()
  })

  it('after a blackhole that the client reconnected into', async () => {
    await warm()
    proxy.blackhole()
    const reconnected = once(proxy.events, 'blackholed')
    proxy.reset()
    // The client's reconnect lands in the blackhole: accepted, never answered.
    await timed('the client reconnecting into the blackhole', 5000, () => reconnected)
    await readThrough()
    // The fault took effect: the reads during it fell back to the fetcher.
    expect(counting.totalFetches()).toBeGreaterThan(IDS.length)
    proxy.blackhole(false)
    await expectCachingResumes()
  })

  // The chaos run's flaky-network scenario recovered to ~80 % only: every skipped call asked
  // whether the connection was stuck, measured from its last 'ready', so under load each new
  // attempt was dropped again before its ready check could be answered.
  it('after a blackhole, under continuous reads: hits are back within RECOVER_MS', async () => {
    let hits = 0
    let errors = 0
    const onOp: (() => void)[] = []
    await warm({
      log: (_store, _key, op) => {
        if (op === 'HIT') hits++
        if (op === 'ERROR') errors++
        for (const wake of onOp.splice(0)) wake()
      },
    })
    /** Resolves once `ready()` holds after a logged op; rejects past `boundMs`. */
    const until = (what: string, boundMs: number, ready: () => boolean) =>
      timed(what, boundMs, async () => {
        while (!ready()) await new Promise<void>((resolve) => onOp.push(resolve))
      })
    let stop = false
    // Readers that never pause but give the event loop a turn between gets (so I/O is read).
    const readers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; !stop; i = (i + 1) % IDS.length) {
        await counting.store.get(IDS[i]!)
        await new Promise((resolve) => setImmediate(resolve))
      }
    })
    try {
      await until('the first hits', 2000, () => hits > 0)
      proxy.blackhole()
      const reconnected = once(proxy.events, 'blackholed')
      proxy.reset()
      await timed('the client reconnecting into the blackhole', 5000, () => reconnected)
      const errorsBefore = errors
      await until('reads failing in the blackhole', 5000, () => errors > errorsBefore)
      proxy.blackhole(false)
      const hitsAtRestore = hits
      await until(`hits after the blackhole ended (within ${RECOVER_MS} ms)`, RECOVER_MS, () => hits > hitsAtRestore)
      // Back for good: a whole round of the cached keys is served without a fetch.
      const fetchesBefore = counting.totalFetches()
      await Promise.all(IDS.map((p) => counting.store.get(p)))
      expect(counting.totalFetches() - fetchesBefore).toBe(0)
    } finally {
      stop = true
      await Promise.all(readers)
    }
  })
})
