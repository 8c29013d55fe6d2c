import { describe, expect, it } from 'vitest'
import { cached, createClient, type Client } from 'cacheme'
import { clientPerTest, uniquePrefix, type BackendUnderTest } from './backend-under-test.js'
import { rawGet, rawSet } from '../internals.js'

export function invalidateAllConformance(backend: BackendUnderTest): void {
  describe('invalidateAll()', () => {
    let client: Client
    clientPerTest(backend, (c) => {
      client = c
    })

    const present = async (keys: string[]) => (await rawGet(client, keys)).map((v) => v !== null)

    it("removes exactly this store's keys for one version, on every node, and counts them", async () => {
      const fetch = ({ id }: { id: string | number }) => `v ${id}`
      const v1 = cached('inv:<<id>>', fetch, { client, version: 1 })
      const v2 = cached('inv:<<id>>', fetch, { client, version: 2 })
      // A template whose keys match a naive `prefix:inv:*:v1` pattern.
      const lookalike = cached('inv:<<id>>:meta', fetch, { client, version: 1 })
      const otherStore = cached('other:<<id>>', fetch, { client, version: 1 })
      const samePrefixElsewhere = createClient({ ...backend.options(), prefix: `${client.prefix}x` })
      const otherPrefix = cached('inv:<<id>>', fetch, { client: samePrefixElsewhere, version: 1 })
      try {
        const ids = Array.from({ length: 40 }, (_, i) => i)
        // Written through every path that stores a value.
        await v1.getMany(ids.slice(0, 20).map((id) => ({ id })))
        await Promise.all(ids.slice(20, 30).map((id) => v1.get({ id })))
        await Promise.all(ids.slice(30, 35).map((id) => v1.set({ id }, 'set')))
        await Promise.all(ids.slice(35, 38).map((id) => v1.refresh({ id })))
        const pipeline = client.pipeline()
        const queued = ids.slice(38).map((id) => v1.getP(pipeline, { id }))
        await pipeline.execute()
        await Promise.all(queued)

        await v2.getMany(ids.slice(0, 5).map((id) => ({ id })))
        await lookalike.getMany(ids.slice(0, 5).map((id) => ({ id })))
        await otherStore.getMany(ids.slice(0, 5).map((id) => ({ id })))
        await otherPrefix.getMany(ids.slice(0, 5).map((id) => ({ id })))
        const unrelated = [`${client.prefix}:unrelated:1:v1`, `${uniquePrefix()}:inv:1:v1`]
        await rawSet(client, unrelated, 'x')

        const v1Keys = ids.map((id) => v1.key({ id }))
        if (backend.nodeOf) {
          // The store's keys live on every master.
          const nodes = new Set(await Promise.all(v1Keys.map((key) => backend.nodeOf!(key))))
          expect(nodes.size).toBe(3)
        }
        expect(await present(v1Keys)).toEqual(ids.map(() => true))

        expect(await v1.invalidateAll()).toBe(40)

        expect(await present(v1Keys)).toEqual(ids.map(() => false))
        const survivors = [
          ...ids.slice(0, 5).map((id) => v2.key({ id })),
          ...ids.slice(0, 5).map((id) => lookalike.key({ id })),
          ...ids.slice(0, 5).map((id) => otherStore.key({ id })),
          ...unrelated,
        ]
        expect(await present(survivors)).toEqual(survivors.map(() => true))
        expect(
          (
            await rawGet(
              samePrefixElsewhere,
              ids.slice(0, 5).map((id) => otherPrefix.key({ id })),
            )
          ).every((v) => v !== null),
        ).toBe(true)
      } finally {
        await samePrefixElsewhere.close()
      }
    })

    it('takes the version to remove; the default is the current one', async () => {
      let version = 'a'
      const store = cached('inv-v:<<id>>', ({ id }: { id: string }) => id, { client, version: () => version })
      await store.getMany([{ id: '1' }, { id: '2' }])
      const oldKeys = [store.key({ id: '1' }), store.key({ id: '2' })]
      version = 'b'
      await store.get({ id: '1' })
      const newKey = store.key({ id: '1' })
      expect(await store.invalidateAll('a')).toBe(2)
      expect(await present([...oldKeys, newKey])).toEqual([false, false, true])
      expect(await store.invalidateAll()).toBe(1)
      expect(await present([newKey])).toEqual([false])
    })

    it('does not count keys already removed by invalidate()', async () => {
      const store = cached('inv-i:<<id>>', ({ id }: { id: string }) => id, { client })
      await store.getMany([{ id: '1' }, { id: '2' }, { id: '3' }])
      await store.invalidate({ id: '2' })
      expect(await store.invalidateAll()).toBe(2)
    })
  })
}
