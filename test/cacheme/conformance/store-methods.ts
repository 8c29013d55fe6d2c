import { describe, expect, it } from 'vitest'
import { cached, type Client } from 'cacheme'
import { clientPerTest, controlledFetcher, type BackendUnderTest } from './backend-under-test.js'
import { rawGet } from '../internals.js'

interface Book {
  categoryID: number
  bookID: number
  title: string
  revision: number
}

export function storeMethodConformance(backend: BackendUnderTest): void {
  describe('store methods', () => {
    let client: Client
    let revision: number
    let source: ReturnType<typeof controlledFetcher<{ categoryID: number; bookID: number }, Book>>
    clientPerTest(backend, (c) => {
      client = c
      revision = 1
      source = controlledFetcher(({ categoryID, bookID }) => ({ categoryID, bookID, title: `book ${categoryID}/${bookID}`, revision }))
    })

    const books = () => cached('category:<<categoryID>>:book:<<bookID>>', source.fetcher, { ttl: '1h', client })

    it('get() fetches a missing value once, then serves it from the cache', async () => {
      const store = books()
      const first = await store.get({ categoryID: 1, bookID: 3 })
      expect(first).toEqual({ categoryID: 1, bookID: 3, title: 'book 1/3', revision: 1 })
      revision = 2
      expect(await store.get({ categoryID: 1, bookID: 3 })).toEqual(first)
      expect(source.calls).toEqual([{ categoryID: 1, bookID: 3 }])
    })

    it('get() values are shared between stores of the same template on one client', async () => {
      await books().get({ categoryID: 1, bookID: 1 })
      await books().get({ categoryID: 1, bookID: 1 })
      expect(source.calls).toHaveLength(1)
    })

    it('getMany() returns values in input order, fetching each missing key once', async () => {
      const store = books()
      await store.get({ categoryID: 2, bookID: 2 })
      const params = [
        { categoryID: 2, bookID: 5 },
        { categoryID: 2, bookID: 2 },
        { categoryID: 2, bookID: 5 },
        { categoryID: 7, bookID: 1 },
        { categoryID: 2, bookID: 2 },
      ]
      const values = await store.getMany(params)
      expect(values.map((b) => [b.categoryID, b.bookID])).toEqual(params.map((p) => [p.categoryID, p.bookID]))
      // Each missing key fetched once; on a cluster each node's keys go on as that node answers,
      // so the fetches' order is the nodes' (the values' order is the input's, above).
      const byKey = (c: { categoryID: number; bookID: number }) => `${c.categoryID}/${c.bookID}`
      expect(source.calls.map(byKey).sort()).toEqual(['2/2', '2/5', '7/1'])
      expect(await store.getMany([])).toEqual([])
    })

    it('getMany() over many keys (spread over every node) hits what get() stored', async () => {
      const store = books()
      const params = Array.from({ length: 60 }, (_, i) => ({ categoryID: i % 4, bookID: i }))
      await Promise.all(params.slice(0, 30).map((p) => store.get(p)))
      const values = await store.getMany(params)
      expect(values.map((b) => b.bookID)).toEqual(params.map((p) => p.bookID))
      expect(source.calls).toHaveLength(60)
      await store.getMany(params)
      expect(source.calls).toHaveLength(60)
    })

    it('getP() settles after pipeline.execute(); one pipeline serves several stores', async () => {
      const store = books()
      const { fetcher, calls } = controlledFetcher(({ id }: { id: string }) => `comment ${id}`)
      const comments = cached('comment:<<id>>', fetcher, { ttl: '5m', client })
      await comments.get({ id: 'cached' })
      const pipeline = client.pipeline()
      let settled = false
      const book = store.getP(pipeline, { categoryID: 1, bookID: 9 })
      const comment = comments.getP(pipeline, { id: 'cached' })
      const other = comments.getP(pipeline, { id: 'new' })
      void book.then(() => {
        settled = true
      })
      await Promise.resolve()
      expect(settled).toBe(false)
      expect(pipeline.size).toBe(3)
      await pipeline.execute()
      expect(settled).toBe(true)
      expect(await book).toMatchObject({ title: 'book 1/9' })
      expect(await comment).toBe('comment cached')
      expect(await other).toBe('comment new')
      expect(calls).toEqual([{ id: 'cached' }, { id: 'new' }])
      // The pipeline's fetches were stored.
      expect(await comments.get({ id: 'new' })).toBe('comment new')
      expect(calls).toHaveLength(2)
    })

    it('refresh() fetches even when cached, stores and returns the fresh value', async () => {
      const store = books()
      await store.get({ categoryID: 1, bookID: 1 })
      revision = 2
      expect(await store.refresh({ categoryID: 1, bookID: 1 })).toMatchObject({ revision: 2 })
      revision = 3
      expect(await store.get({ categoryID: 1, bookID: 1 })).toMatchObject({ revision: 2 })
      expect(source.calls).toHaveLength(2)
    })

    it('set() stores a value that get() then returns without fetching', async () => {
      const store = books()
      const value = { categoryID: 4, bookID: 4, title: 'set by hand', revision: 99 }
      expect(await store.set({ categoryID: 4, bookID: 4 }, value)).toBeUndefined()
      expect(await store.get({ categoryID: 4, bookID: 4 })).toEqual(value)
      expect(source.calls).toHaveLength(0)
    })

    it('invalidate() deletes the key: the next get() fetches again', async () => {
      const store = books()
      await store.get({ categoryID: 1, bookID: 2 })
      await store.get({ categoryID: 1, bookID: 3 })
      await store.invalidate({ categoryID: 1, bookID: 2 })
      expect(await rawGet(client, [store.key({ categoryID: 1, bookID: 2 })])).toEqual([null])
      revision = 2
      expect(await store.get({ categoryID: 1, bookID: 2 })).toMatchObject({ revision: 2 })
      expect(await store.get({ categoryID: 1, bookID: 3 })).toMatchObject({ revision: 1 })
      expect(source.calls).toHaveLength(3)
      // Invalidating a missing key is fine.
      await store.invalidate({ categoryID: 9, bookID: 9 })
    })

    it('invalidateAll() removes every key of the store and resolves to the count', async () => {
      const store = books()
      await store.getMany([
        { categoryID: 1, bookID: 1 },
        { categoryID: 1, bookID: 2 },
        { categoryID: 2, bookID: 1 },
      ])
      expect(await store.invalidateAll()).toBe(3)
      await store.get({ categoryID: 1, bookID: 1 })
      expect(source.calls).toHaveLength(4)
      expect(await store.invalidateAll()).toBe(1)
      expect(await store.invalidateAll()).toBe(0)
    })

    it('key() is the full key and name defaults to the template', () => {
      const store = books()
      expect(store.key({ categoryID: 1, bookID: 3 })).toBe(`${client.prefix}:category:1:book:3:v1`)
      expect(store.name).toBe('category:<<categoryID>>:book:<<bookID>>')
      expect(cached('x:<<id>>', source.fetcher as never, { name: 'Book', client }).name).toBe('Book')
    })

    it('a template without placeholders is a single-key store', async () => {
      let calls = 0
      const settings = cached('settings', () => ({ theme: 'dark', calls: ++calls }), { client, ttl: 60 })
      expect(settings.key(undefined as never)).toBe(`${client.prefix}:settings:v1`)
      expect(await settings.get({})).toEqual({ theme: 'dark', calls: 1 })
      expect(await settings.get({})).toEqual({ theme: 'dark', calls: 1 })
      await settings.invalidate({})
      expect(await settings.get({})).toEqual({ theme: 'dark', calls: 2 })
    })
  })
}
