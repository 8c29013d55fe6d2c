import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cached, createClient, type Client } from 'cacheme'
import { uniquePrefix, type BackendUnderTest, type CountedBackend, type RoundTripCounting } from './backend-under-test.js'

/** Lookups cost one round trip per node that holds keys (exactly one on a standalone server). */
export function roundTripConformance(backend: BackendUnderTest, counting: RoundTripCounting): void {
  describe('round trips', () => {
    let counted: CountedBackend
    let client: Client
    beforeEach(async () => {
      counted = await counting.start()
      client = createClient({ ...counted.options, prefix: uniquePrefix() })
    })
    afterEach(async () => {
      await client.close()
      await counted.close()
    })

    const comments = () => cached('rt-comment:<<id>>', ({ id }: { id: number }) => ({ id, text: `comment ${id}` }), { client })
    const books = () => cached('rt-book:<<bookID>>', ({ bookID }: { bookID: number }) => ({ bookID }), { client })
    const ids = Array.from({ length: 24 }, (_, i) => i)

    /** Every node holding one of `keys` had exactly one round trip, and no other node had any. */
    async function expectOneTripPerNode(keys: string[]): Promise<void> {
      const busy = counted.busyNodes()
      if (backend.nodeOf) {
        const holders = new Set(await Promise.all(keys.map((key) => backend.nodeOf!(key))))
        expect(holders.size).toBeGreaterThan(1) // the keys really span nodes
        expect(new Set(busy.keys())).toEqual(holders)
      } else {
        expect(busy.size).toBe(1)
      }
      expect([...busy.values()]).toEqual([...busy.keys()].map(() => 1))
    }

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
      const queued = [
        ...ids.map((id) => c.getP(pipeline, { id })),
        ...ids.map((bookID) => b.getP(pipeline, { bookID })),
      ]
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
