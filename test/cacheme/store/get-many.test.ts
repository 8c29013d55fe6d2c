// store/get-many.ts: one getMany's keys as one batch, answers into one array. The conformance
// suite runs getMany on every backend; these are the rules of the batch itself, on the memory
// backend: repeated keys, joins within the open batch both ways, settle and the first failure.
import { cached, createClient, type Client } from 'cacheme'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

describe('getMany as one batch', () => {
  let client: Client
  let calls: string[]
  const fetcher = async ({ id }: { id: string }) => {
    calls.push(id)
    if (id.startsWith('bad')) throw new Error(`no ${id}`)
    return `value ${id}`
  }
  beforeEach(() => {
    client = createClient({ prefix: `gm-${Math.random().toString(36).slice(2, 8)}` })
    calls = []
  })
  afterEach(async () => {
    await client.close()
  })

  it('a repeated key is looked up and fetched once and fills every position', async () => {
    const store = cached('gm:<<id>>', fetcher, { client })
    expect(await store.getMany([{ id: 'a' }, { id: 'b' }, { id: 'a' }, { id: 'a' }])).toEqual(['value a', 'value b', 'value a', 'value a'])
    expect(calls.sort()).toEqual(['a', 'b'])
    expect(await store.getMany([{ id: 'a' }, { id: 'a' }])).toEqual(['value a', 'value a']) // hits
    expect(calls).toHaveLength(2)
  })

  it('in one tick, get() joins getMany() and getMany() joins get() and another getMany()', async () => {
    const store = cached('gm:<<id>>', fetcher, { client })
    const many = store.getMany([{ id: 'x' }, { id: 'y' }])
    const single = store.get({ id: 'y' })
    const other = store.getMany([{ id: 'y' }, { id: 'x' }, { id: 'z' }])
    const before = store.get({ id: 'z' })
    expect(await Promise.all([many, single, other, before])).toEqual([
      ['value x', 'value y'],
      'value y',
      ['value y', 'value x', 'value z'],
      'value z',
    ])
    expect(calls.sort()).toEqual(['x', 'y', 'z'])
  })

  it('without settle the first failure rejects; with settle each position has its outcome, repeats included', async () => {
    const store = cached('gm:<<id>>', fetcher, { client })
    await expect(store.getMany([{ id: 'ok' }, { id: 'bad1' }])).rejects.toThrow('no bad1')
    const settled = await store.getMany([{ id: 'ok' }, { id: 'bad2' }, { id: 'bad2' }], { settle: true })
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 'value ok' })
    for (const r of settled.slice(1)) expect(r).toMatchObject({ status: 'rejected', reason: { message: 'no bad2' } })
    expect(calls.filter((id) => id === 'bad2')).toHaveLength(1)
  })

  it('a number and its decimal string are one key: a list holding both fetches it once, even without singleflight or lock', async () => {
    const fetched: unknown[] = []
    const store = cached(
      'gm-num:<<id>>',
      async ({ id }: { id: string | number }) => {
        fetched.push(id)
        return `value ${id}`
      },
      { client, singleflight: false, lock: false },
    )
    expect(await store.getMany([{ id: 7 }, { id: '7' }, { id: 8 }])).toEqual(['value 7', 'value 7', 'value 8'])
    expect(fetched).toEqual([7, 8])
    // The other order, on keys the store has not seen yet: the same.
    expect(await store.getMany([{ id: '9' }, { id: 9 }])).toEqual(['value 9', 'value 9'])
    expect(fetched).toEqual([7, 8, '9'])
  })

  it('a repeat is still found when the list is longer than the key memo (it starts over mid-list)', async () => {
    const fetched: number[] = []
    const store = cached(
      'gm-long:<<id>>',
      async ({ id }: { id: number }) => {
        fetched.push(id)
        return id * 2
      },
      { client, singleflight: false, lock: false },
    )
    const ids = Array.from({ length: 5000 }, (_, i) => i)
    const values = await store.getMany([...ids, 0].map((id) => ({ id })))
    expect(values).toEqual([...ids.map((id) => id * 2), 0])
    expect(fetched).toHaveLength(5000)
  })

  it('a repeat is still found when the key memo starts over between its two places in the list', async () => {
    const fetched: number[] = []
    const store = cached(
      'gm-over:<<id>>',
      async ({ id }: { id: number }) => {
        fetched.push(id)
        return id
      },
      { client, singleflight: false, lock: false },
    )
    // 4,095 keys remembered and each served once from the memo: full but one, and worth keeping.
    const ids = Array.from({ length: 4095 }, (_, i) => ({ id: i }))
    await store.getMany(ids)
    await store.getMany(ids)
    await store.get({ id: 0 })
    fetched.length = 0
    // 6000 fills it; 5000 makes it start over (not pause), which forgets 6000's first place.
    expect(await store.getMany([{ id: 6000 }, { id: 5000 }, { id: 6000 }])).toEqual([6000, 5000, 6000])
    expect(fetched.sort()).toEqual([5000, 6000])
  })

  it('an empty list resolves to an empty array', async () => {
    const store = cached('gm:<<id>>', fetcher, { client })
    expect(await store.getMany([])).toEqual([])
    expect(await store.getMany([], { settle: true })).toEqual([])
  })
})
