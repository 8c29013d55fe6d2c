import { describe, expect, test } from 'vitest'
import { cached, createClient, type CacheOp } from 'cacheme'

// The embedded memory backend has the same herd semantics inside one process.
describe('herd semantics on the memory backend', () => {
  function setUp(fetchMs: () => number) {
    const ops: CacheOp[] = []
    const client = createClient({ logger: { log: (_store, _key, op) => ops.push(op) } })
    let fetches = 0
    let fetchStarted: () => void = () => {}
    const nextFetch = () =>
      new Promise<void>((resolve) => {
        fetchStarted = resolve
      })
    const store = cached(
      'item:<<id>>',
      async ({ id }: { id: number }) => {
        const n = ++fetches
        fetchStarted()
        await new Promise((resolve) => setTimeout(resolve, fetchMs()))
        return { id, n }
      },
      { ttl: 60, client, singleflight: false },
    )
    return { client, store, ops, fetches: () => fetches, nextFetch }
  }

  test('concurrent gets of one cold key fetch once even without singleflight', async () => {
    const { client, store, ops, fetches } = setUp(() => 20)
    const values = await Promise.all(Array.from({ length: 50 }, () => store.get({ id: 1 })))
    expect(fetches()).toBe(1)
    expect(new Set(values.map((v) => v.n))).toEqual(new Set([1]))
    expect(ops.filter((op) => op === 'FETCH')).toHaveLength(1)
    await client.close()
  })

  test('an invalidate during an in-flight fetch is not overwritten by its older value', async () => {
    let fetchMs = 100
    const { client, store, nextFetch } = setUp(() => fetchMs)
    const started = nextFetch()
    const slow = store.get({ id: 1 })
    await started
    await store.invalidate({ id: 1 })
    fetchMs = 1
    expect((await slow).n).toBe(1)
    expect((await store.get({ id: 1 })).n).toBe(2)
    expect((await store.get({ id: 1 })).n).toBe(2)
    await client.close()
  })

  test('a set during an in-flight fetch is not overwritten by its older value', async () => {
    const { client, store, nextFetch } = setUp(() => 50)
    const started = nextFetch()
    const slow = store.get({ id: 1 })
    await started
    await store.set({ id: 1 }, { id: 1, n: 99 })
    expect((await slow).n).toBe(1)
    expect((await store.get({ id: 1 })).n).toBe(99)
    await client.close()
  })

  test('a failing fetch rejects every concurrent caller with its message and caches nothing', async () => {
    const client = createClient()
    let fetches = 0
    const store = cached(
      'boom:<<id>>',
      async () => {
        fetches++
        await new Promise((resolve) => setTimeout(resolve, 10))
        throw new Error('no luck')
      },
      { client, singleflight: false },
    )
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => store.get({ id: 1 })))
    expect(outcomes.map((o) => o.status === 'rejected' && (o.reason as Error).message)).toEqual(Array(20).fill('no luck'))
    expect(fetches).toBe(1)
    await expect(store.get({ id: 1 })).rejects.toThrow('no luck')
    expect(fetches).toBe(2)
    await client.close()
  })
})
