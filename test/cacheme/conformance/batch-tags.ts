import { describe, expect, it } from 'vitest'
import { cached, type Client } from 'cacheme'
import { rawGet } from '../internals.js'
import { batchFetcher } from './batch.js'
import { clientPerTest, controlledFetcher, type BackendUnderTest } from './backend-under-test.js'

interface Post {
  id: number
  title: string
  by: 'one' | 'many'
}

const single = ({ id }: { id: number }): Post => ({ id, title: `post ${id}`, by: 'one' })
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A batch fill (fetchMany) is listed like a lone fill: its keys under their tags and in the
 * store index, its markers too, so invalidateTags / invalidateAll find them and fence its commit.
 */
export function batchTagConformance(backend: BackendUnderTest): void {
  describe('batch loading with tags and the index', () => {
    let client: Client
    clientPerTest(backend, (c) => {
      client = c
    })

    const present = async (keys: string[]) => (await rawGet(client, keys)).map((v) => v !== null)
    const ids = (from: number, to: number) => range(from, to).map((id) => ({ id }))

    it('invalidateTags removes the keys a fetchMany filled, by static tags (with placeholders)', async () => {
      const batch = batchFetcher()
      const store = cached('bt-static:<<id>>', single, { client, fetchMany: batch.fetchMany, tags: ['bt-all', 'bt-one:<<id>>'] })
      await store.getMany(ids(0, 8))
      expect(batch.calls).toEqual([range(0, 8)])
      const keys = range(0, 8).map((id) => store.key({ id }))
      expect(await client.invalidateTags(['bt-one:3'])).toBe(1)
      expect(await present(keys)).toEqual(range(0, 8).map((id) => id !== 3))
      expect(await client.invalidateTags(['bt-all'])).toBe(7)
      expect(await present(keys)).toEqual(keys.map(() => false))
    })

    it('invalidateTags removes the keys a fetchMany filled, by a tags function of the fetched values', async () => {
      const batch = batchFetcher()
      const store = cached('bt-fn:<<id>>', single, {
        client,
        fetchMany: batch.fetchMany,
        tags: (params, value) => [`bt-parity:${value.id % 2}`, `bt-id:${params.id}`],
      })
      await store.getMany(ids(0, 8))
      const keys = range(0, 8).map((id) => store.key({ id }))
      expect(await client.invalidateTags(['bt-parity:1'])).toBe(4)
      expect(await present(keys)).toEqual(range(0, 8).map((id) => id % 2 === 0))
      expect(await client.invalidateTags(['bt-id:2'])).toBe(1)
      expect(await present(keys)).toEqual(range(0, 8).map((id) => id % 2 === 0 && id !== 2))
    })

    it('invalidateTags during a held fetchMany fences its commit (static tags: it removes the markers)', async () => {
      const batch = batchFetcher()
      const store = cached('bt-fence:<<id>>', single, { client, fetchMany: batch.fetchMany, tags: ['bt-fenced'] })
      batch.hold()
      const started = batch.nextCall()
      const loading = store.getMany(ids(0, 4))
      await started
      const keys = range(0, 4).map((id) => store.key({ id }))
      expect(await client.peek(keys)).toEqual(keys.map(() => 'lock'))
      expect(await client.invalidateTags(['bt-fenced'])).toBe(4) // the markers
      batch.release()
      expect((await loading).map((v) => v.id)).toEqual(range(0, 4)) // the callers get their values
      expect(await client.peek(keys)).toEqual(keys.map(() => 'missing')) // never stored over the invalidation
      await store.getMany(ids(0, 4))
      expect(batch.calls).toHaveLength(2)
      expect(await client.invalidateTags(['bt-fenced'])).toBe(4)
    })

    it('invalidateTags during a held fetchMany fences its commit (a tags function: tags not known yet)', async () => {
      const batch = batchFetcher()
      const store = cached('bt-fence-fn:<<id>>', single, { client, fetchMany: batch.fetchMany, tags: (_, value) => [`bt-fn:${value.id}`] })
      batch.hold()
      const started = batch.nextCall()
      const loading = store.getMany(ids(0, 3))
      await started
      const keys = range(0, 3).map((id) => store.key({ id }))
      expect(await client.invalidateTags(['bt-fn:1'])).toBe(0) // not listed under the tag yet: fenced, not counted
      batch.release()
      expect((await loading).map((v) => v.id)).toEqual(range(0, 3))
      expect(await client.peek(keys)).toEqual(keys.map(() => 'missing'))
      // A batch that commits lists its keys under their tags (and takes them off the pending fills).
      await store.getMany(ids(0, 3))
      expect(await client.invalidateTags(['bt-fn:1'])).toBe(1)
      expect(await present(keys)).toEqual([true, false, true])
    })

    it('invalidateAll still removes batch-filled keys once pruning has run (many writes), and keys whose fetch outlived their first score', async () => {
      const batch = batchFetcher()
      // A key is listed in its index with its marker, scored for its lock's TTL and its own
      // after the acquire; a fetch held past its lock's TTL (extended) makes the value outlive
      // that score. Pruning by a batch write must re-check such a member, never drop it, be it
      // a batch's key or a lone fill's (the store without fetchMany shares the index).
      const options = { client, ttl: '3s', lock: { ttl: '600ms' } } as const
      const store = cached('bt-prune:<<id>>', single, { ...options, fetchMany: batch.fetchMany })
      const source = controlledFetcher(single)
      const lone = cached('bt-prune:<<id>>', source.fetcher, options)
      const forever = cached('bt-prune-forever:<<id>>', single, { client, fetchMany: batch.fetchMany })
      await forever.getMany(ids(0, 40))
      batch.hold()
      source.hold()
      const started = Promise.all([batch.nextCall(), source.nextCall()])
      const loading = Promise.all([store.getMany(ids(0, 2)), lone.get({ id: 2 })])
      await started
      const acquired = Date.now()
      await sleep(1_500) // the fetches outlive their lock's TTL: their locks are extended meanwhile
      batch.release()
      source.release()
      await loading
      expect(await client.peek(range(0, 3).map((id) => store.key({ id })))).toEqual(['value', 'value', 'value'])
      await sleep(acquired + 3_700 - Date.now()) // past the scores (acquire + lock TTL + TTL), not the values' expiry (~4.5 s)
      // Many writes to the same index: every 32nd write of the client prunes its sets.
      for (let round = 0; round < 3; round++) await store.getMany(ids(100 + round * 30, 130 + round * 30))
      await forever.getMany(ids(40, 120))
      expect(await store.invalidateAll()).toBe(93)
      expect(await forever.invalidateAll()).toBe(120)
    })
  })
}
