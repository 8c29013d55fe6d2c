import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, test } from 'vitest'
import { startChildren, type Child } from '../../harness/children.js'
import { Redis as RedisConnection, type Cluster, type Redis } from '../../harness/ioredis.js'
import { startRedisServer } from '../../harness/redis-server.js'
import { connectionEnv, eventually, inspector, markersLeft, subscribers, type Topology } from './redis-checks.js'

const CHILD = new URL('./children/store-child.mjs', import.meta.url)
const PROCESSES = 4
const GETS_PER_PROCESS = 250

interface Burst {
  values: { id: number; n: number; by: number }[]
  errors: string[]
  lastSettledAt: number
}

let children: Child[] = []
let redis: Redis | Cluster | undefined
let prefix = ''

async function setUp(topology: Topology, env: Record<string, string> = {}): Promise<void> {
  prefix = `herd-${randomUUID()}`
  redis = inspector(topology)
  children = await startChildren(PROCESSES, CHILD, { env: { ...connectionEnv(topology), PREFIX: prefix, ...env } })
}

async function fetchCount(): Promise<number> {
  return Number(await redis!.get(`${prefix}:fetches`))
}

async function totalOps(op: string, of: Child[] = children): Promise<number> {
  const all = await Promise.all(of.map((c) => c.request<Record<string, number>>('ops')))
  return all.reduce((sum, ops) => sum + (ops[op] ?? 0), 0)
}

/**
 * Every process runs a burst of gets on one cold key; the fetch is held until every process has
 * joined it (the holder fetching, every other process waiting), then released.
 */
async function burstOnHeldFetch(n: number): Promise<{ bursts: Burst[]; holder: Child }> {
  await Promise.all(children.map((c) => c.request('configure', { gated: true })))
  const bursts = children.map((c) => c.request<Burst>('burst', { id: 1, n }, 30_000))
  const roles = await Promise.all(children.map((c) => c.waitFor('joined', 30_000)))
  const holders = children.filter((_, i) => (roles[i]!.data as { role: string }).role === 'holder')
  expect(holders).toHaveLength(1)
  await holders[0]!.request('release')
  return { bursts: await Promise.all(bursts), holder: holders[0]! }
}

// After each test: no lock marker left, every key channel unsubscribed, and every child that
// closes its client exits by itself.
afterEach(async () => {
  try {
    if (redis && prefix) {
      const key = `${prefix}:item:1:v1`
      expect(await markersLeft(redis, prefix)).toEqual([])
      await eventually(`no subscriber left on ${key}`, async () => (await subscribers(redis!, key)) === 0)
    }
    const exits = await Promise.all(children.map((c) => c.exit()))
    for (const exit of exits) expect(exit).toEqual({ code: 0, signal: null })
  } finally {
    await Promise.all(children.map((c) => c.kill()))
    children = []
    redis?.disconnect()
    redis = undefined
  }
})

describe.each<Topology>(['standalone', 'cluster'])('herd protection on %s', (topology) => {
  test(`${PROCESSES} processes × ${GETS_PER_PROCESS} concurrent gets of one cold key fetch once`, async () => {
    await setUp(topology)
    const { bursts } = await burstOnHeldFetch(GETS_PER_PROCESS)
    expect(await fetchCount()).toBe(1)
    const values = bursts.flatMap((b) => b.values)
    expect(bursts.flatMap((b) => b.errors)).toEqual([])
    expect(values).toHaveLength(PROCESSES * GETS_PER_PROCESS)
    expect(new Set(values.map((v) => JSON.stringify(v))).size).toBe(1)
    expect(values[0]!.n).toBe(1)
    expect(await totalOps('FETCH')).toBe(1)
    expect(await totalOps('WAIT')).toBe(PROCESSES - 1)
    // Afterwards, a plain hit everywhere.
    const again = await Promise.all(children.map((c) => c.request<{ n: number }>('get', { id: 1 })))
    expect(again.map((v) => v.n)).toEqual(Array(PROCESSES).fill(1))
    expect(await fetchCount()).toBe(1)
  })

  test('a failing fetch rejects every waiter in every process with its message, promptly', async () => {
    await setUp(topology)
    await Promise.all(children.map((c) => c.request('configure', { failWith: 'backend exploded' })))
    const { bursts, holder } = await burstOnHeldFetch(GETS_PER_PROCESS)
    const failedAt = (await holder.waitFor('failing')).data as { at: number }
    const errors = bursts.flatMap((b) => b.errors)
    expect(errors).toHaveLength(PROCESSES * GETS_PER_PROCESS)
    expect(new Set(errors)).toEqual(new Set(['backend exploded']))
    expect(await fetchCount()).toBe(1)
    const latency = Math.max(...bursts.map((b) => b.lastSettledAt)) - failedAt.at
    console.log(`[herd ${topology}] failed fetch: all ${errors.length} callers rejected ${latency} ms after the fetcher threw`)
    // Nothing was cached: the next call fetches again.
    await children[0]!.request('configure', { failWith: null, gated: false })
    expect((await children[0]!.request<{ n: number }>('get', { id: 1 })).n).toBe(2)
  })
})

test('SIGKILL of the lock holder mid-fetch: the others take over after the lock TTL, every caller resolves', async () => {
  await setUp('standalone', { LOCK_TTL: '1s', FETCH_MS: '300' })
  const firstFetch = Promise.race(children.map((c) => c.waitFor('fetching', 30_000).then(() => c)))
  const bursts = children.map((c) => c.request<Burst>('burst', { id: 1, n: GETS_PER_PROCESS }, 30_000))
  const holder = await firstFetch
  await holder.kill('SIGKILL')
  const survivors = children.filter((c) => c !== holder)
  const results = await Promise.allSettled(bursts)
  const survivorResults = results.filter((_, i) => children[i] !== holder)
  for (const result of survivorResults) {
    expect(result.status).toBe('fulfilled')
    const burst = (result as PromiseFulfilledResult<Burst>).value
    expect(burst.errors).toEqual([])
    expect(burst.values).toHaveLength(GETS_PER_PROCESS)
    expect(new Set(burst.values.map((v) => v.n))).toEqual(new Set([2]))
  }
  expect(await fetchCount()).toBe(2)
  expect(await totalOps('FETCH', survivors)).toBe(1)
  children = survivors
})

describe.each<Topology>(['standalone', 'cluster'])('no stale write-back on %s', (topology) => {
  // Child 0's fetch is held until released; child 1 invalidates or refreshes while it is in flight.
  async function slowFetchInFlight(): Promise<void> {
    await children[0]!.request('configure', { gated: true })
    await children[1]!.request('configure', { fetchMs: 10 })
    const fetching = children[0]!.waitFor('fetching', 30_000)
    await children[0]!.request('start', { id: 1, name: 'slow' })
    await fetching
  }

  async function finishSlow(): Promise<{ n: number }> {
    await children[0]!.request('release', { id: 1 })
    return children[0]!.request<{ n: number }>('finish', { name: 'slow' })
  }

  test('an invalidate during an in-flight fetch is not overwritten by its older value', async () => {
    await setUp(topology)
    await slowFetchInFlight()
    await children[1]!.request('invalidate', { id: 1 })
    const old = await finishSlow()
    expect(old.n).toBe(1)
    const next = await children[1]!.request<{ n: number }>('get', { id: 1 })
    expect(next.n).toBe(2)
    expect((await children[0]!.request<{ n: number }>('get', { id: 1 })).n).toBe(2)
  })

  test('a refresh during an in-flight fetch is not overwritten by its older value', async () => {
    await setUp(topology)
    await slowFetchInFlight()
    const fresh = await children[1]!.request<{ n: number }>('refresh', { id: 1 })
    expect(fresh.n).toBe(2)
    expect((await finishSlow()).n).toBe(1)
    for (const child of children) expect((await child.request<{ n: number }>('get', { id: 1 })).n).toBe(2)
  })

  test('an invalidateAll during an in-flight fetch is not overwritten by its older value', async () => {
    await setUp(topology)
    await slowFetchInFlight()
    await children[1]!.request('invalidateAll')
    expect((await finishSlow()).n).toBe(1)
    expect((await children[1]!.request<{ n: number }>('get', { id: 1 })).n).toBe(2)
  })

  test('in one process, a get after invalidate does not join the older in-flight load', async () => {
    await setUp(topology)
    await slowFetchInFlight()
    await children[0]!.request('invalidate', { id: 1 })
    await children[0]!.request('configure', { gated: false, fetchMs: 10 })
    expect((await children[0]!.request<{ n: number }>('get', { id: 1 })).n).toBe(2)
    expect((await finishSlow()).n).toBe(1)
    expect((await children[1]!.request<{ n: number }>('get', { id: 1 })).n).toBe(2)
  })
})

describe('long and large fills', () => {
  test('a fetch longer than the lock TTL keeps its lock while it runs; waiters wait on it at most lock.wait, then take it over', async () => {
    await setUp('standalone', { LOCK_TTL: '300ms', LOCK_WAIT: '500ms', FETCH_MS: '1200' })
    const started = Date.now()
    const bursts = await Promise.all(children.map((c) => c.request<Burst>('burst', { id: 1, n: 20 }, 30_000)))
    expect(bursts.flatMap((b) => b.errors)).toEqual([])
    for (const burst of bursts) expect(burst.values).toHaveLength(20)
    // The first holder kept its lock past its TTL (extended), so nobody took over before
    // lock.wait; then one process took it over per 500 ms of waiting: a few fetches, not one per caller.
    const fetches = await fetchCount()
    expect(fetches).toBeGreaterThanOrEqual(2)
    expect(fetches).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 500) + 1)
    // What is stored in the end is one of the fetched values, read by everyone alike.
    const after = await Promise.all(children.map((c) => c.request<{ n: number }>('get', { id: 1 })))
    expect(new Set(after.map((v) => v.n)).size).toBe(1)
  })

  test('a value too large for the notice is read back by the waiters', async () => {
    await setUp('cluster')
    await Promise.all(children.map((c) => c.request('configure', { valueBytes: 200_000 })))
    const bursts = await Promise.all(children.map((c) => c.request<Burst>('burst', { id: 1, n: 20 }, 30_000)))
    expect(bursts.flatMap((b) => b.errors)).toEqual([])
    const values = bursts.flatMap((b) => b.values)
    expect(values).toHaveLength(PROCESSES * 20)
    expect(values.every((v) => (v as { padding?: string }).padding?.length === 200_000 && v.n === 1)).toBe(true)
    expect(await fetchCount()).toBe(1)
  })
})

describe.each<Topology>(['standalone', 'cluster'])('notices on %s', (topology) => {
  test('each waiting process subscribes once to the key channel (sharded on a cluster) and unsubscribes when its wait ends', async () => {
    await setUp(topology)
    await children[0]!.request('configure', { gated: true })
    const fetching = children[0]!.waitFor('fetching', 30_000)
    await children[0]!.request('start', { id: 1, name: 'holder' })
    await fetching
    for (const child of children.slice(1)) await child.request('start', { id: 1, name: 'waiter' })
    const key = `${prefix}:item:1:v1`
    // Plain pub/sub on a standalone server; sharded pub/sub (on the key's own node) on a cluster.
    const kind = topology === 'standalone' ? 'NUMSUB' : 'SHARDNUMSUB'
    await eventually(`${PROCESSES - 1} ${kind} subscribers on ${key}`, async () => (await subscribers(redis!, key)) === PROCESSES - 1)
    for (const node of (redis as Cluster).isCluster ? (redis as Cluster).nodes('master') : [redis as Redis]) {
      const [, count] = (await node.call('PUBSUB', topology === 'standalone' ? 'SHARDNUMSUB' : 'NUMSUB', key)) as [string, number]
      expect(Number(count)).toBe(0)
    }
    await children[0]!.request('release', { id: 1 })
    const values = await Promise.all(children.map((c, i) => c.request<{ n: number }>('finish', { name: i === 0 ? 'holder' : 'waiter' })))
    expect(values.map((v) => v.n)).toEqual(Array(PROCESSES).fill(1))
  })
})

test('one subscriber connection per client, whatever the number of keys waited on', async () => {
  const server = await startRedisServer()
  try {
    prefix = `herd-${randomUUID()}`
    redis = new RedisConnection(server.url)
    children = await startChildren(2, CHILD, { env: { REDIS_URL: server.url, PREFIX: prefix } })
    const [holder, waiter] = children as [Child, Child]
    await holder.request('configure', { gated: true })
    for (const id of [1, 2, 3]) {
      const fetching = holder.waitFor('fetching', 30_000)
      await holder.request('start', { id, name: `holder-${id}` })
      await fetching
      await waiter.request('start', { id, name: `waiter-${id}` })
    }
    const pubsubClients = async () => ((await redis!.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string).trim().split('\n').filter(Boolean)
    await eventually('the waiter subscribed to 3 key channels', async () => (await pubsubClients()).some((line) => / sub=3 /.test(line)))
    expect(await pubsubClients()).toHaveLength(1)
    for (const id of [1, 2, 3]) {
      await holder.request('release', { id })
      expect((await waiter.request<{ id: number }>('finish', { name: `waiter-${id}` })).id).toBe(id)
      await holder.request('finish', { name: `holder-${id}` })
    }
    for (const id of [2, 3])
      await eventually(`no subscriber left on key ${id}`, async () => (await subscribers(redis!, `${prefix}:item:${id}:v1`)) === 0)
    for (const exit of await Promise.all(children.map((c) => c.exit()))) expect(exit).toEqual({ code: 0, signal: null })
    children = []
    expect(await pubsubClients()).toEqual([])
    expect(await markersLeft(redis, prefix)).toEqual([])
    redis.disconnect()
    redis = undefined
  } finally {
    await server.stop()
  }
})

describe.each(['getMany', 'pipeline'])("%s waits on another process's fetch", (via) => {
  test('keys being filled elsewhere are waited on, not fetched again', async () => {
    await setUp('cluster')
    const [holder, reader] = children as [Child, Child]
    await holder.request('configure', { gated: true })
    for (const id of [1, 2]) {
      const fetching = holder.waitFor('fetching', 30_000)
      await holder.request('start', { id, name: `holder-${id}` })
      await fetching
    }
    await reader.request('start', { ids: [1, 2, 1, 3], via, name: 'many' })
    await reader.waitFor('joined', 30_000) // waiting on key 1
    await reader.waitFor('joined', 30_000) // and on key 2
    for (const id of [1, 2]) await holder.request('release', { id })
    const values = await reader.request<{ id: number; by: number }[]>('finish', { name: 'many' })
    expect(values.map((v) => v.id)).toEqual([1, 2, 1, 3])
    expect(values[0]!.by).toBe(holder.pid)
    expect(values[1]!.by).toBe(holder.pid)
    expect(values[3]!.by).toBe(reader.pid)
    expect(await fetchCount()).toBe(3)
    expect(await totalOps('WAIT', [reader])).toBe(2)
    for (const id of [1, 2]) await holder.request('finish', { name: `holder-${id}` })
  })
})
