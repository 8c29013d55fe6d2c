import { describe, expect, it } from 'vitest'
import { cached, type Client } from 'cacheme'
import { clientPerTest, controlledFetcher, type BackendUnderTest } from './backend-under-test.js'

export function pipelineConformance(backend: BackendUnderTest): void {
  describe('pipelines', () => {
    let client: Client
    clientPerTest(backend, (c) => {
      client = c
    })

    it('mix stores; each promise carries its own value or error; execute() waits for all', async () => {
      const comments = cached('p-comment:<<id>>', ({ id }: { id: string }) => ({ id, text: `comment ${id}` }), { client })
      const books = cached(
        'p-book:<<bookID>>',
        async ({ bookID }: { bookID: number }) => {
          if (bookID === 13) throw new Error(`book ${bookID} is unlucky`)
          return { bookID, title: `book ${bookID}` }
        },
        { client },
      )
      await comments.get({ id: 'warm' })
      const pipeline = client.pipeline()
      const settled: string[] = []
      const c1 = comments.getP(pipeline, { id: 'warm' })
      const b1 = books.getP(pipeline, { bookID: 1 })
      const b13 = books.getP(pipeline, { bookID: 13 })
      const c2 = comments.getP(pipeline, { id: 'cold' })
      for (const [name, promise] of [
        ['c1', c1],
        ['b1', b1],
        ['b13', b13],
        ['c2', c2],
      ] as const) {
        promise.then(
          () => settled.push(name),
          () => settled.push(name),
        )
      }
      await pipeline.execute()
      await Promise.resolve()
      expect(settled.sort()).toEqual(['b1', 'b13', 'c1', 'c2'])
      expect(await c1).toEqual({ id: 'warm', text: 'comment warm' })
      expect(await b1).toEqual({ bookID: 1, title: 'book 1' })
      await expect(b13).rejects.toThrow('book 13 is unlucky')
      expect(await c2).toEqual({ id: 'cold', text: 'comment cold' })
    })

    it('runs once: a second execute() and a later getP() fail with a clear error', async () => {
      const store = cached('p-once:<<id>>', ({ id }: { id: string }) => id, { client })
      const pipeline = client.pipeline()
      const first = store.getP(pipeline, { id: '1' })
      await pipeline.execute()
      expect(await first).toBe('1')
      await expect(pipeline.execute()).rejects.toThrow(/already been executed; a pipeline runs once/)
      expect(() => store.getP(pipeline, { id: '2' })).toThrow(/already been executed/)
    })

    it('one key queued twice is looked up and fetched once', async () => {
      const source = controlledFetcher(({ id }: { id: string }) => `value ${id}`)
      const store = cached('p-dup:<<id>>', source.fetcher, { client })
      const pipeline = client.pipeline()
      const queued = [store.getP(pipeline, { id: '1' }), store.getP(pipeline, { id: '1' })]
      await pipeline.execute()
      expect(await Promise.all(queued)).toEqual(['value 1', 'value 1'])
      expect(source.calls).toHaveLength(1)
    })

    it('an empty pipeline executes', async () => {
      const pipeline = client.pipeline()
      expect(pipeline.size).toBe(0)
      await pipeline.execute()
    })

    it('values spread over every node come back in one execute()', async () => {
      const store = cached('p-spread:<<id>>', ({ id }: { id: number }) => id * 2, { client })
      const ids = Array.from({ length: 30 }, (_, i) => i)
      await store.getMany(ids.slice(0, 15).map((id) => ({ id })))
      const pipeline = client.pipeline()
      const queued = ids.map((id) => store.getP(pipeline, { id }))
      await pipeline.execute()
      expect(await Promise.all(queued)).toEqual(ids.map((id) => id * 2))
    })
  })
}
