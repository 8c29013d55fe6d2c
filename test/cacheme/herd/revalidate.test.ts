import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, test } from 'vitest'
import { startChildren, type Child } from '../../harness/children.js'
import type { Cluster, Redis } from '../../harness/ioredis.js'
import { connectionEnv, eventually, inspector, type Topology } from './redis-checks.js'

/** Freshness across processes (herd/revalidate.ts): real servers, real child processes. */

const CHILD = new URL('./children/fresh-child.mjs', import.meta.url)
const PROCESSES = 3
const MARKER = Buffer.from([0xc1, 0x63, 0x6d, 0x01, 0x6c])

let children: Child[] = []
let redis: Redis | Cluster | undefined
let prefix = ''

async function setUp(topology: Topology, options: object, env: Record<string, string> = {}): Promise<void> {
  prefix = `fresh-${randomUUID()}`
  redis = inspector(topology)
  children = await startChildren(PROCESSES, CHILD, {
    env: { ...connectionEnv(topology), PREFIX: prefix, OPTIONS: JSON.stringify(options), ...env },
  })
}

const key = () => `${prefix}:fresh:1:v1`
const fetchCount = async () => Number(await redis!.get(`${prefix}:fetches`))
async function totalOps(op: string): Promise<number> {
  const all = await Promise.all(children.map((c) => c.request<Record<string, number>>('ops')))
  return all.reduce((sum, ops) => sum + (ops[op] ?? 0), 0)
}
/** The one process whose (gated) fetch is open, once it is. */
async function holder(): Promise<Child> {
  let holding: boolean[] = []
  await eventually('a process fetches', async () => {
    holding = await Promise.all(children.map((c) => c.request<boolean>('holding')))
    return holding.some(Boolean)
  })
  expect(holding.filter(Boolean)).toHaveLength(1)
  return children[holding.indexOf(true)]!
}
/** Until the key holds a value (no refresh's marker) again. */
const settledKey = () =>
  eventually(`${key()} holds a value`, async () => {
    const bytes = await redis!.getBuffer(key())
    return bytes !== null && !bytes.subarray(0, 5).equals(MARKER)
  })

afterEach(async () => {
  try {
    if (redis && prefix) {
      const bytes = await redis.getBuffer(key())
      expect(bytes?.subarray(0, 5).equals(MARKER) ?? false).toBe(false) // no lock marker left
    }
    for (const exit of await Promise.all(children.map((c) => c.exit()))) expect(exit).toEqual({ code: 0, signal: null })
  } finally {
    await Promise.all(children.map((c) => c.kill()))
    children = []
    redis?.disconnect()
    redis = undefined
  }
})

describe.each<Topology>(['standalone', 'cluster'])('freshness across processes on %s', (topology) => {
  test(`staleWhileRevalidate: ${PROCESSES} processes serve the stale value at once while exactly one refreshes it`, async () => {
    await setUp(topology, { ttl: '300ms', staleWhileRevalidate: '1m' })
    expect(await children[0]!.request('get', { id: 1 })).toEqual({ id: 1, n: 1 })
    await sleep(350)
    await Promise.all(children.map((c) => c.request('configure', { gated: true })))
    // Every burst resolves while the one refresh is held open: nobody waits for it.
    const bursts = await Promise.all(children.map((c) => c.request<{ values: unknown[]; errors: string[] }>('burst', { id: 1, n: 50 })))
    for (const burst of bursts) {
      expect(burst.errors).toEqual([])
      expect(burst.values).toEqual(Array.from({ length: 50 }, () => ({ id: 1, n: 1 })))
    }
    // The refresh runs in the background: it may start after the bursts resolved.
    const holding = await holder()
    expect(await fetchCount()).toBe(2)
    expect(await totalOps('WAIT')).toBe(0)
    expect(await totalOps('STALE')).toBeGreaterThanOrEqual(PROCESSES)
    await holding.request('release')
    await settledKey()
    for (const child of children) expect(await child.request('get', { id: 1 })).toEqual({ id: 1, n: 2 })
    expect(await fetchCount()).toBe(2)
    expect(await totalOps('FETCH')).toBe(2)
  })

  test('staleIfError: past the window the fleet waits on one fetch; when it fails, every process gets the old value', async () => {
    await setUp(topology, { ttl: '300ms', staleIfError: '1m' })
    expect(await children[0]!.request('get', { id: 1 })).toEqual({ id: 1, n: 1 })
    await sleep(350)
    await Promise.all(children.map((c) => c.request('configure', { gated: true, failWith: 'source down' })))
    const bursts = children.map((c) => c.request<{ values: unknown[]; errors: string[] }>('burst', { id: 1, n: 20 }))
    // The others wait on the holder's marker (which keeps the old value): they saw it and subscribed.
    const holding = await holder()
    await Promise.all(children.filter((c) => c !== holding).map((c) => c.waitFor('waiting')))
    await holding.request('release')
    for (const burst of await Promise.all(bursts)) {
      expect(burst.errors).toEqual([])
      expect(new Set(burst.values.map((v) => JSON.stringify(v)))).toEqual(new Set([JSON.stringify({ id: 1, n: 1 })]))
    }
    expect(await fetchCount()).toBe(2)
    expect(await totalOps('STALE')).toBeGreaterThanOrEqual(PROCESSES)
    await settledKey()
  })

  test('fetchTimeout.hard: the fetch in one process times out; its callers and every waiting process reject with FetchTimeoutError, the lock released at once', async () => {
    await setUp(topology, { ttl: '1m', fetchTimeout: { hard: '1s' } })
    await Promise.all(children.map((c) => c.request('configure', { gated: true }))) // the fetch never ends by itself
    const bursts = children.map((c) => c.request<{ values: unknown[]; errors: string[] }>('burst', { id: 1, n: 10 }))
    await holder()
    const message = `FetchTimeoutError: cacheme: the fetch of 'fresh:1:v1' (store 'fresh:<<id>>') did not finish within its hard timeout of 1000 ms`
    for (const burst of await Promise.all(bursts)) expect(burst).toEqual({ values: [], errors: Array.from({ length: 10 }, () => message) })
    // Every lock was released before its callers rejected.
    expect(await redis!.getBuffer(key())).toBeNull()
    // The holder's fetch; a process whose subscription went live only after that release (a loaded
    // machine) found the key empty and fetched itself, and timed out the same way.
    expect(await fetchCount()).toBeGreaterThanOrEqual(1)
    expect(await fetchCount()).toBeLessThanOrEqual(PROCESSES)
  })

  test(`earlyRefresh: ${PROCESSES} processes hammering a hot key never wait; each refresh runs once across them`, async () => {
    // δ ≈ 40 ms and β = 2: the refresh starts some hundreds of ms before expiry, room for a loaded machine's pauses.
    await setUp(topology, { ttl: '1s', earlyRefresh: { beta: 2 } }, { FETCH_MS: '40' })
    await children[0]!.request('get', { id: 1 }) // the one MISS: the first fill
    const results = await Promise.all(
      children.map((c) => c.request<{ seen: number[]; slowest: number }>('hammer', { id: 1, n: 20, ms: 3000 })),
    )
    expect(await totalOps('MISS')).toBe(1)
    expect(await totalOps('WAIT')).toBe(0)
    const fetches = await fetchCount()
    // One fill, then an early refresh every few hundred ms: never one per process or per caller.
    expect(fetches).toBeGreaterThanOrEqual(3)
    expect(fetches).toBeLessThanOrEqual(20)
    expect(await totalOps('FETCH')).toBe(fetches)
    for (const { seen } of results) expect(seen.length).toBeGreaterThanOrEqual(2)
    await settledKey()
  })
})
