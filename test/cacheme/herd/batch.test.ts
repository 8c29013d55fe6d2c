import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, inject, test } from 'vitest'
import { cached, createClient, FetchManyError, type Client } from 'cacheme'
import { startChildren, type Child } from '../../harness/children.js'
import { connectionEnv, eventually, inspector, subscribers, type Topology } from './redis-checks.js'
import { Redis as RedisConnection, type Cluster, type Redis } from '../../harness/ioredis.js'
import { startRedisServer } from '../../harness/redis-server.js'

const CHILD = new URL('./children/batch-child.mjs', import.meta.url)
/** The head of a lock marker (codec/frame.ts). */
const MARKER = Buffer.from([0xc1, 0x63, 0x6d, 0x01, 0x6c])

interface Item {
  id: number
  by: string
}

let child: Child | undefined
let client: Client | undefined
let redis: Redis | Cluster | undefined
let prefix = ''

function setUp(topology: Topology) {
  prefix = `batch-${randomUUID()}`
  redis = inspector(topology)
  const { standalone, cluster } = inject('redis')
  client = createClient({ ...(topology === 'standalone' ? { redis: standalone.url } : { cluster: cluster.seeds }), prefix })
  const calls: number[][] = []
  let fail: string | undefined
  let gate: Promise<void> | undefined
  let called: (() => void) | undefined
  const store = cached('item:<<id>>', ({ id }: { id: number }): Item => ({ id, by: 'parent-one' }), {
    ttl: 60,
    client,
    fetchMany: async (list: { id: number }[]) => {
      calls.push(list.map((p) => p.id))
      called?.()
      if (gate) await gate
      if (fail) throw new Error(fail)
      return list.map(({ id }) => ({ id, by: 'parent' }))
    },
  })
  return {
    store,
    calls,
    failWith(message: string) {
      fail = message
    },
    /** Holds the next fetchMany until the returned release(); `started` resolves when it is called. */
    hold() {
      let release!: () => void
      gate = new Promise<void>((resolve) => {
        release = resolve
      })
      const started = new Promise<void>((resolve) => {
        called = resolve
      })
      return {
        started,
        release: () => {
          gate = undefined
          release()
        },
      }
    },
  }
}

async function startChild(topology: Topology): Promise<Child> {
  ;[child] = await startChildren(1, CHILD, { env: { ...connectionEnv(topology), PREFIX: prefix } })
  return child!
}

/** Keys under the prefix that still hold a lock marker. */
async function markers(ids: number[]): Promise<number[]> {
  const values = await Promise.all(ids.map((id) => redis!.getBuffer(`${prefix}:item:${id}:v1`)))
  return ids.filter((_, i) => values[i]?.subarray(0, MARKER.length).equals(MARKER))
}

afterEach(async () => {
  try {
    if (child) expect(await child.exit()).toEqual({ code: 0, signal: null })
  } finally {
    await child?.kill()
    child = undefined
    await client?.close()
    client = undefined
    redis?.disconnect()
    redis = undefined
  }
})

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

describe.each<Topology>(['standalone', 'cluster'])('batch loading across processes on %s', (topology) => {
  test('keys whose lock another process holds are waited on, not fetched: fetchMany gets only the rest', async () => {
    const parent = setUp(topology)
    const other = await startChild(topology)
    await other.request('start', { ids: range(0, 5), name: 'held' })
    expect((await other.waitFor('fetching')).data).toEqual({ ids: range(0, 5) })
    const own = parent.hold()
    const values = parent.store.getMany(range(0, 10).map((id) => ({ id })))
    await own.started
    // This process locked and fetches only the keys nobody held; the others' lookups found the child's markers.
    expect(parent.calls).toEqual([range(5, 10)])
    own.release()
    await other.request('release')
    const got = await values
    expect(got.map((v) => v.id)).toEqual(range(0, 10))
    expect(got.map((v) => v.by)).toEqual([...Array(5).fill('child'), ...Array(5).fill('parent')])
    expect((await other.request<PromiseSettledResult<Item>[]>('finish', { name: 'held' })).map((o) => o.status)).toEqual(
      Array(5).fill('fulfilled'),
    )
    expect(parent.calls).toHaveLength(1)
    expect(await markers(range(0, 10))).toEqual([])
  })

  test('a failed fetchMany releases every lock at once and hands its error to the waiters of another process', async () => {
    const parent = setUp(topology)
    const other = await startChild(topology)
    parent.failWith('the database is down')
    const own = parent.hold()
    const failing = parent.store.getMany(
      range(0, 6).map((id) => ({ id })),
      { settle: true },
    )
    await own.started
    await other.request('start', { ids: range(0, 6), name: 'waiting' })
    // The child waits on every key (its lookups found this process's markers) and fetches none.
    for (let i = 0; i < 6; i++) await other.waitFor('waiting')
    // Each waiter re-checks its key once subscribed; those re-checks are answered before the release runs.
    await other.request('sync', { ids: range(0, 6) })
    own.release()
    const outcomes = await failing
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof FetchManyError)).toBe(true)
    const elsewhere = await other.request<{ status: string; code?: string; message?: string }[]>('finish', { name: 'waiting' })
    expect(elsewhere).toHaveLength(6)
    for (const outcome of elsewhere) {
      expect(outcome).toMatchObject({ status: 'rejected', code: 'CACHEME_FETCH_FAILED' })
      expect(outcome.message).toContain("fetchMany of store 'item:<<id>>' failed for 6 keys: the database is down")
    }
    expect(await other.request('ops')).not.toHaveProperty('FETCH')
    expect(await markers(range(0, 6))).toEqual([])
    await eventually('no subscriber left', async () => (await subscribers(redis!, `${prefix}:item:0:v1`)) === 0)
  })
})

test('Redis down: the misses of a getMany still go to one fetchMany call (without the cache), duplicates once', async () => {
  const server = await startRedisServer()
  const own = createClient({ redis: server.url, prefix: `batch-${randomUUID()}`, timeout: 300 })
  try {
    const calls: number[][] = []
    const store = cached('item:<<id>>', ({ id }: { id: number }): Item => ({ id, by: 'one' }), {
      client: own,
      fetchMany: (list: { id: number }[]) => {
        calls.push(list.map((p) => p.id))
        return list.map(({ id }) => ({ id, by: 'many' }))
      },
    })
    await store.getMany([{ id: 100 }])
    await server.kill('SIGKILL')
    const ids = [1, 2, 3, 2, 1]
    const values = await store.getMany(ids.map((id) => ({ id })))
    expect(values).toEqual(ids.map((id) => ({ id, by: 'many' })))
    expect(calls).toEqual([[100], [1, 2, 3]])
  } finally {
    await own.close()
    await server.stop()
  }
})

test("a batch's commit tells waiters the value itself: the notice is kind 'v', the holder's token, the stored bytes", async () => {
  const parent = setUp('standalone')
  const { standalone } = inject('redis')
  const listener = new RedisConnection(standalone.url)
  try {
    const key = `${prefix}:item:0:v1`
    const messages: Buffer[] = []
    const received = new Promise<void>((resolve) =>
      listener.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
        messages.push(message)
        resolve()
      }),
    )
    await listener.subscribe(key)
    await parent.store.getMany([{ id: 0 }, { id: 1 }])
    await received
    const stored = await redis!.getBuffer(key)
    expect(messages).toHaveLength(1)
    expect(messages[0]![0]).toBe(0x76)
    expect(messages[0]!.subarray(1, 33).toString('latin1')).toMatch(/^[0-9a-f]{32}$/)
    expect(messages[0]!.subarray(33).equals(stored!)).toBe(true)
  } finally {
    listener.disconnect()
  }
})
