import { describe, expect, it } from 'vitest'
import { cached, type Client } from 'cacheme'
import { clientFor, clientPerTest, controlledFetcher, type BackendUnderTest, type RecordingLogger } from './backend-under-test.js'
import { lookupsAnswered } from './singleflight.js'

export function loggerConformance(backend: BackendUnderTest): void {
  describe('logger', () => {
    let client: Client
    let logger: RecordingLogger
    clientPerTest(backend, (c, l) => {
      client = c
      logger = l
    })

    it('logs MISS and FETCH for a cold get(), then HIT, with the store name and the key without prefix', async () => {
      const comments = cached('comment:<<id>>', ({ id }: { id: string }) => `comment ${id}`, { client, name: 'Comment' })
      await comments.get({ id: '1' })
      await comments.get({ id: '1' })
      expect(logger.lines).toEqual([
        { store: 'Comment', key: 'comment:1:v1', op: 'MISS' },
        { store: 'Comment', key: 'comment:1:v1', op: 'FETCH' },
        { store: 'Comment', key: 'comment:1:v1', op: 'HIT' },
      ])
    })

    it('uses the template as the store name by default', async () => {
      const books = cached('category:<<categoryID>>:book:<<bookID>>', () => 'b', { client, version: 3 })
      await books.get({ categoryID: 1, bookID: 3 })
      expect(logger.lines[0]).toEqual({ store: 'category:<<categoryID>>:book:<<bookID>>', key: 'category:1:book:3:v3', op: 'MISS' })
    })

    it('logs once for callers grouped by singleflight', async () => {
      const source = controlledFetcher(({ id }: { id: string }) => id)
      const store = cached('grouped:<<id>>', source.fetcher, { client })
      await store.set({ id: 'hot' }, 'hot')
      await Promise.all([store.get({ id: 'hot' }), store.get({ id: 'hot' }), store.get({ id: 'hot' })])
      expect(logger.ops()).toEqual(['HIT'])
      source.hold()
      const started = source.nextCall()
      const cold = [store.get({ id: 'cold' }), store.get({ id: 'cold' })]
      await started
      cold.push(store.get({ id: 'cold' })) // sees this process's marker and joins the fill
      await lookupsAnswered(client)
      source.release()
      await Promise.all(cold)
      expect(logger.ops('grouped:cold:v1')).toEqual(['MISS', 'FETCH'])
    })

    it('logs every key of getMany() and pipelines', async () => {
      const store = cached('many:<<id>>', ({ id }: { id: string }) => id, { client })
      await store.get({ id: 'a' })
      logger.lines.length = 0
      await store.getMany([{ id: 'a' }, { id: 'b' }])
      expect(logger.ops('many:a:v1')).toEqual(['HIT'])
      expect(logger.ops('many:b:v1')).toEqual(['MISS', 'FETCH'])
      logger.lines.length = 0
      const pipeline = client.pipeline()
      void store.getP(pipeline, { id: 'b' })
      void store.getP(pipeline, { id: 'c' })
      await pipeline.execute()
      expect(logger.ops('many:b:v1')).toEqual(['HIT'])
      expect(logger.ops('many:c:v1')).toEqual(['MISS', 'FETCH'])
    })

    it('refresh() logs FETCH; a logger that throws does not break the cache', async () => {
      const store = cached('refresh-log:<<id>>', ({ id }: { id: string }) => id, { client })
      await store.refresh({ id: '1' })
      expect(logger.ops()).toEqual(['FETCH'])
      const broken = clientFor(backend, {
        logger: {
          log() {
            throw new Error('logger broke')
          },
        },
      })
      try {
        const other = cached('broken-log:<<id>>', ({ id }: { id: string }) => id, { client: broken })
        expect(await other.get({ id: '1' })).toBe('1')
        expect(await other.get({ id: '1' })).toBe('1')
      } finally {
        await broken.close()
      }
    })
  })
}
