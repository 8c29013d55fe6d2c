import { describe, expect, it } from 'vitest'
import { cached, type Client } from 'cacheme'
import { clientPerTest, controlledFetcher, type BackendUnderTest, type RecordingLogger } from './backend-under-test.js'

export function valueConformance(backend: BackendUnderTest): void {
  describe('null and undefined are values', () => {
    let client: Client
    let logger: RecordingLogger
    clientPerTest(backend, (c, l) => {
      client = c
      logger = l
    })

    it.each([
      ['null', null],
      ['undefined', undefined],
    ])('a fetcher returning %s is cached: the next get() is a HIT', async (_label, value) => {
      const source = controlledFetcher((_: { id: string }) => value)
      const store = cached('nothing:<<id>>', source.fetcher, { client })
      expect(await store.get({ id: '1' })).toBe(value)
      expect(await store.get({ id: '1' })).toBe(value)
      expect(await store.getMany([{ id: '1' }, { id: '1' }])).toEqual([value, value])
      expect(source.calls).toHaveLength(1)
      expect(logger.ops()).toEqual(['MISS', 'FETCH', 'HIT', 'HIT'])
    })

    it("null is a value with codec 'json' too", async () => {
      const source = controlledFetcher((_: { id: string }) => null)
      const store = cached('nothing-json:<<id>>', source.fetcher, { client, codec: 'json' })
      await store.get({ id: '1' })
      expect(await store.get({ id: '1' })).toBeNull()
      expect(source.calls).toHaveLength(1)
    })

    it('a falsy value (0, empty string, false) is cached like any other', async () => {
      for (const value of [0, '', false]) {
        const source = controlledFetcher((_: { id: string }) => value)
        const store = cached(`falsy-${String(value)}:<<id>>`, source.fetcher, { client })
        await store.get({ id: '1' })
        expect(await store.get({ id: '1' })).toBe(value)
        expect(source.calls).toHaveLength(1)
      }
    })
  })
}
