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

  it('an empty list resolves to an empty array', async () => {
    const store = cached('gm:<<id>>', fetcher, { client })
    expect(await store.getMany([])).toEqual([])
    expect(await store.getMany([], { settle: true })).toEqual([])
  })
})
