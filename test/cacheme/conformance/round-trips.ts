import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cached, createClient, type Client } from 'cacheme'
import { uniquePrefix, type BackendUnderTest, type CountedBackend, type RoundTripCounting } from './backend-under-test.js'

/** Gives every test a client whose round trips are counted per node (unique prefix), closed afterwards. */
export function countedClientPerTest(counting: RoundTripCounting, assign: (client: Client, counted: CountedBackend) => void): void {
  let counted: CountedBackend | undefined
  let client: Client | undefined
  beforeEach(async () => {
    counted = await counting.start()
    client = createClient({ ...counted.options, prefix: uniquePrefix() })
    assign(client, counted)
  })
  afterEach(async () => {
    await client?.close()
    await counted?.close()
  })
}

/** Every node holding one of `keys` had exactly `trips` round trips, and no other node had any. */
export async function expectTripsPerNode(backend: BackendUnderTest, counted: CountedBackend, keys: string[], trips: number): Promise<void> {
  const busy = counted.busyNodes()
  if (backend.nodeOf) {
    const holders = new Set<string>()
    for (const key of keys) holders.add(await backend.nodeOf(key))
    expect(holders.size).toBeGreaterThan(1) // the keys really span nodes
    expect(new Set(busy.keys())).toEqual(holders)
  } else {
    expect(busy.size).toBe(1)
  }
  expect([...busy.values()]).toEqual([...busy.keys()].map(() => trips))
}

/** Lookups cost one round trip per node that holds keys (exactly one on a standalone server). */
export function roundTripConformance(backend: BackendUnderTest, counting: RoundTripCounting): void {
  describe('round trips', () => {
    let counted: CountedBackend
    let client: Client
    countedClientPerTest(counting, (c, n) => {
      client = c
      counted = n
    })

    const comments = () => cached('rt-comment:<<id>>', ({ id }: { id: number }) => ({ id, text: `comment ${id}` }), { client })
    const books = () => cached('rt-book:<<bookID>>', ({ bookID }: { bookID: number }) => ({ bookID }), { client })
    const ids = Array.from({ length: 24 }, (_, i) => i)

    const expectOneTripPerNode = (keys: string[]) => expectTripsPerNode(backend, counted, keys, 1)

    it('getMany() of N cached keys', async () => {
      const store = comments()
      await store.getMany(ids.map((id) => ({ id }))) // fills the cache and opens every connection
      counted.reset()
      const values = await store.getMany(ids.map((id) => ({ id })))
      expect(values.map((v) => v.id)).toEqual(ids)
      await expectOneTripPerNode(ids.map((id) => store.key({ id })))
    })

    it('a pipeline over two stores', async () => {
      const c = comments()
      const b = books()
      await c.getMany(ids.map((id) => ({ id })))
      await b.getMany(ids.map((bookID) => ({ bookID })))
      counted.reset()
      const pipeline = client.pipeline()
      const queued = [...ids.map((id) => c.getP(pipeline, { id })), ...ids.map((bookID) => b.getP(pipeline, { bookID }))]
      await pipeline.execute()
      await Promise.all(queued)
      await expectOneTripPerNode([...ids.map((id) => c.key({ id })), ...ids.map((bookID) => b.key({ bookID }))])
    })

    it('concurrent get() calls made in one tick share the lookup', async () => {
      const store = comments()
      await store.getMany(ids.map((id) => ({ id })))
      counted.reset()
      await Promise.all(ids.map((id) => store.get({ id })))
      await expectOneTripPerNode(ids.map((id) => store.key({ id })))
    })
  })
}
