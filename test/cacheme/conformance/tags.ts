import { describe, expect, it } from 'vitest'
import { cached, createClient, type Client } from 'cacheme'
import { clientPerTest, controlledFetcher, type BackendUnderTest } from './backend-under-test.js'
import { rawGet } from '../internals.js'

/** The contract's "Tags": store option `tags`, `client.invalidateTags()`. */
export function tagConformance(backend: BackendUnderTest): void {
  describe('tags and invalidateTags()', () => {
    let client: Client
    clientPerTest(backend, (c) => {
      client = c
    })

    const present = async (keys: string[]) => (await rawGet(client, keys)).map((v) => v !== null)
    const ids = Array.from({ length: 30 }, (_, i) => i)

    it('removes the keys of every store that carry a tag, on every node, and counts them', async () => {
      const posts = cached('tg-post:<<id>>', ({ id }: { id: number }) => `post ${id}`, { client, tags: ['posts', 'feed'] })
      const drafts = cached('tg-draft:<<id>>', ({ id }: { id: number }) => `draft ${id}`, { client, tags: ['posts'] })
      const untagged = cached('tg-user:<<id>>', ({ id }: { id: number }) => `user ${id}`, { client })
      const otherTag = cached('tg-other:<<id>>', ({ id }: { id: number }) => `other ${id}`, { client, tags: ['postsx'] })
      const elsewhere = createClient({ ...backend.options(), prefix: `${client.prefix}x` })
      const otherPrefix = cached('tg-post:<<id>>', ({ id }: { id: number }) => `post ${id}`, { client: elsewhere, tags: ['posts'] })
      try {
        // Written through a get, getMany and set.
        await posts.getMany(ids.slice(0, 20).map((id) => ({ id })))
        await Promise.all(ids.slice(20, 25).map((id) => posts.get({ id })))
        await Promise.all(ids.slice(25).map((id) => posts.set({ id }, 'set')))
        await drafts.getMany(ids.slice(0, 10).map((id) => ({ id })))
        await untagged.getMany(ids.slice(0, 5).map((id) => ({ id })))
        await otherTag.getMany(ids.slice(0, 5).map((id) => ({ id })))
        await otherPrefix.getMany(ids.slice(0, 5).map((id) => ({ id })))
        const tagged = [...ids.map((id) => posts.key({ id })), ...ids.slice(0, 10).map((id) => drafts.key({ id }))]
        if (backend.nodeOf) expect(new Set(await Promise.all(tagged.map((key) => backend.nodeOf!(key)))).size).toBe(3)

        expect(await client.invalidateTags(['posts'])).toBe(40)

        expect(await present(tagged)).toEqual(tagged.map(() => false))
        const survivors = [...ids.slice(0, 5).map((id) => untagged.key({ id })), ...ids.slice(0, 5).map((id) => otherTag.key({ id }))]
        expect(await present(survivors)).toEqual(survivors.map(() => true))
        expect(
          (
            await rawGet(
              elsewhere,
              ids.slice(0, 5).map((id) => otherPrefix.key({ id })),
            )
          ).every((v) => v !== null),
        ).toBe(true)
        // Gone from the tags' sets too: nothing left to count, under either tag.
        expect(await client.invalidateTags(['posts', 'feed'])).toBe(0)
        expect(await posts.get({ id: 1 })).toBe('post 1')
      } finally {
        await elsewhere.close()
      }
    })

    it('a key carrying several of the tags is counted once; unknown tags count 0; an empty list does nothing', async () => {
      const store = cached('tg-many:<<id>>', ({ id }: { id: number }) => id, { client, tags: ['a', 'b'] })
      await store.getMany(ids.slice(0, 4).map((id) => ({ id })))
      expect(await client.invalidateTags([])).toBe(0)
      expect(await client.invalidateTags(['nothing-here'])).toBe(0)
      expect(await client.invalidateTags(['a', 'b', 'a'])).toBe(4)
      expect(await present(ids.slice(0, 4).map((id) => store.key({ id })))).toEqual([false, false, false, false])
    })

    // The memory backend is its client's own: another client doesn't share it.
    if (backend.kind !== 'memory')
      it('a client made just now (its slot map not loaded yet) removes what another client tagged', async () => {
        const store = cached('tg-fresh:<<id>>', ({ id }: { id: number }) => id, { client, tags: ['fresh'] })
        await store.getMany(ids.slice(0, 6).map((id) => ({ id })))
        const fresh = createClient({ ...backend.options(), prefix: client.prefix })
        try {
          expect(await fresh.invalidateTags(['fresh'])).toBe(6)
        } finally {
          await fresh.close()
        }
      })

    it("a static tag's placeholders are filled from the params, encoded like a key's", async () => {
      const store = cached('tg-article:<<authorID>>:<<id>>', ({ id }: { authorID: string | number; id: number }) => id, {
        client,
        tags: ['author:<<authorID>>', 'article:<<authorID>>-<<id>>'],
      })
      await store.getMany([
        { authorID: 1, id: 1 },
        { authorID: 1, id: 2 },
        { authorID: 2, id: 3 },
        { authorID: 'a-b', id: 4 },
        { authorID: 'a', id: 5 },
      ])
      const keyOf = (authorID: string | number, id: number) => store.key({ authorID, id })
      expect(await client.invalidateTags(['author:1'])).toBe(2)
      expect(await present([keyOf(1, 1), keyOf(1, 2), keyOf(2, 3)])).toEqual([false, false, true])
      expect(await client.invalidateTags(['article:2-3'])).toBe(1)
      // 'a-b' is written as a key writes it before a '-': encoded, so 'article:<<authorID>>-<<id>>'
      // of ('a', 5) and of ('a-b', …) can never meet, and 'author:a-b' is a plain id still.
      expect(await client.invalidateTags(['author:a-b'])).toBe(1)
      expect(await present([keyOf('a-b', 4), keyOf('a', 5)])).toEqual([false, true])
      expect(await client.invalidateTags(['article:a-5'])).toBe(1)
    })

    it('a tags function of params and value tags each key by what was fetched', async () => {
      const store = cached('tg-fn:<<id>>', ({ id }: { id: number }) => ({ id, lang: id % 2 ? 'en' : 'de' }), {
        client,
        tags: (params, value) => [`lang:${value.lang}`, `id:${params.id}`],
      })
      await store.getMany(ids.slice(0, 6).map((id) => ({ id })))
      await store.set({ id: 10 }, { id: 10, lang: 'en' })
      expect(await client.invalidateTags(['lang:en'])).toBe(4)
      expect(await present([0, 1, 2, 3, 4, 5, 10].map((id) => store.key({ id })))).toEqual([true, false, true, false, true, false, false])
      expect(await client.invalidateTags(['id:2'])).toBe(1)
    })

    it('fences a fill in flight: its value is returned to its callers, never stored over the invalidation', async () => {
      const source = controlledFetcher(({ id }: { id: string }) => `old ${id}`)
      const store = cached('tg-fence:<<id>>', source.fetcher, { client, tags: ['fenced'] })
      source.hold()
      const started = source.nextCall()
      const filling = store.get({ id: 'x' })
      await started
      const key = store.key({ id: 'x' })
      expect(await client.peek([key])).toEqual(['lock'])
      expect(await client.invalidateTags(['fenced'])).toBe(1) // the marker
      expect(await client.peek([key])).toEqual(['missing'])
      source.release()
      expect(await filling).toBe('old x')
      expect(await client.peek([key])).toEqual(['missing'])
      expect(await store.get({ id: 'x' })).toBe('old x')
      expect(source.calls).toHaveLength(2)
      expect(await client.peek([key])).toEqual(['value'])
    })

    it("fences a fill in flight of a tags function, whose tags aren't known until its value is", async () => {
      const source = controlledFetcher(({ id }: { id: string }) => ({ id }))
      const store = cached('tg-fence-fn:<<id>>', source.fetcher, { client, tags: (_, value) => [`fn:${value.id}`] })
      source.hold()
      const started = source.nextCall()
      const filling = store.get({ id: 'y' })
      await started
      const key = store.key({ id: 'y' })
      expect(await client.invalidateTags(['fn:y'])).toBe(0) // not listed under the tag yet: fenced, not counted
      source.release()
      expect(await filling).toEqual({ id: 'y' })
      expect(await client.peek([key])).toEqual(['missing'])
      // A fill that commits is listed under its tags, and off the pending fills.
      await store.get({ id: 'y' })
      expect(await client.invalidateTags(['fn:y'])).toBe(1)
    })

    if (backend.tagSetTtls)
      it("tags' own entries expire with their keys", async () => {
        const store = cached('tg-exp:<<id>>', ({ id }: { id: number }) => id, {
          client,
          ttl: '400ms',
          lock: { ttl: '200ms' },
          tags: ['short', 'g:<<id>>'],
        })
        const long = cached('tg-exp-long:<<id>>', ({ id }: { id: number }) => id, { client, ttl: '1h', tags: ['long'] })
        await store.getMany(ids.slice(0, 5).map((id) => ({ id })))
        await long.set({ id: 1 }, 1)
        const ttls = await backend.tagSetTtls!(client.prefix)
        expect(ttls.length).toBeGreaterThanOrEqual(7) // 'short' (a set per slot on a cluster), 5 × 'g:<<id>>', 'long'
        for (const ttl of ttls) {
          expect(ttl).toBeGreaterThan(0) // never -1: no set outlives its keys
          expect(ttl).toBeLessThanOrEqual(3_600_000)
        }
        expect(ttls.filter((ttl) => ttl <= 400).length).toBe(ttls.length - 1)
        await new Promise((resolve) => setTimeout(resolve, 600)) // past the value's TTL and the lock's
        expect(await backend.tagSetTtls!(client.prefix)).toHaveLength(1)
      })

    it('checks its input, naming the bad value', async () => {
      await expect(client.invalidateTags('posts' as never)).rejects.toThrow(
        'cacheme: the tags of invalidateTags() must be an array of non-empty strings like [\'author:42\'], got "posts"',
      )
      await expect(client.invalidateTags(['ok', ''])).rejects.toThrow('tag 1 is ""')
      await expect(client.invalidateTags(['ok', 7 as never])).rejects.toThrow('tag 1 is number 7')
    })
  })
}
