import { describe, expect, it } from 'vitest'
import { cached, type Client } from 'cacheme'
import { clientPerTest, deferred, type BackendUnderTest } from './backend-under-test.js'
import { lookupsAnswered } from './singleflight.js'
import { rawGet } from '../internals.js'

class SourceDown extends Error {}

export function fetcherErrorConformance(backend: BackendUnderTest): void {
  describe('fetcher errors', () => {
    let client: Client
    clientPerTest(backend, (c) => {
      client = c
    })

    it('reach every caller waiting on the fetch and are not cached', async () => {
      let calls = 0
      const gate = deferred()
      const started = deferred()
      let fail = true
      const store = cached(
        'failing:<<id>>',
        async ({ id }: { id: string }) => {
          calls++
          started.resolve()
          await gate.promise
          if (fail) throw new SourceDown(`source down for ${id}`)
          return `value ${id}`
        },
        { client },
      )
      const single = store.get({ id: '1' })
      await started.promise
      const joined = [store.get({ id: '1' }), store.get({ id: '1' })]
      const many = store.getMany([{ id: '1' }])
      await lookupsAnswered(client) // they saw this process's marker and joined its fill
      gate.resolve()
      const results = await Promise.allSettled([single, ...joined, many])
      for (const result of results) {
        expect(result.status).toBe('rejected')
        const reason = (result as PromiseRejectedResult).reason
        expect(reason).toBeInstanceOf(SourceDown)
        expect(reason.message).toBe('source down for 1')
      }
      expect(calls).toBe(1)
      expect(await rawGet(client, [store.key({ id: '1' })])).toEqual([null])
      fail = false
      expect(await store.get({ id: '1' })).toBe('value 1')
      expect(calls).toBe(2)
    })

    it('a synchronous throw in the fetcher rejects the call', async () => {
      const store = cached(
        'throwing:<<id>>',
        ({ id }: { id: string }): string => {
          throw new SourceDown(`no ${id}`)
        },
        { client },
      )
      await expect(store.get({ id: '1' })).rejects.toThrow('no 1')
      await expect(store.refresh({ id: '1' })).rejects.toThrow('no 1')
      await expect(store.getMany([{ id: '1' }, { id: '2' }])).rejects.toThrow(SourceDown)
    })

    it('refresh() failing keeps the cached value', async () => {
      let fail = false
      const store = cached(
        'refresh-fail:<<id>>',
        ({ id }: { id: string }) => {
          if (fail) throw new SourceDown('down')
          return `value ${id}`
        },
        { client },
      )
      await store.get({ id: '1' })
      fail = true
      await expect(store.refresh({ id: '1' })).rejects.toThrow('down')
      expect(await store.get({ id: '1' })).toBe('value 1')
    })
  })
}
