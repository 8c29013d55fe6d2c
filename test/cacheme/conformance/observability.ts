import { channel, tracingChannel } from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import { cached, createClient, type Client } from 'cacheme'
import { clientPerTest, type BackendUnderTest, type RecordingLogger } from './backend-under-test.js'
import { rawSet } from '../internals.js'

/** client.stats(), the logger's detail, and the diagnostics channels cacheme:op, cacheme:get, cacheme:fetch. */
export function observabilityConformance(backend: BackendUnderTest): void {
  describe('observability', () => {
    let client: Client
    let logger: RecordingLogger
    clientPerTest(backend, (c, l) => {
      client = c
      logger = l
    })

    it('client.stats() counts every op per store and in total', async () => {
      const a = cached('stats-a:<<id>>', ({ id }: { id: string }) => id, { client, name: 'A' })
      const b = cached('stats-b:<<id>>', ({ id }: { id: string }) => id, { client, name: 'B' })
      await a.get({ id: '1' })
      await a.get({ id: '1' })
      await b.getMany([{ id: '1' }, { id: '2' }])
      await rawSet(client, [a.key({ id: 'x' })], 'foreign')
      await a.get({ id: 'x' })
      const zero = { hits: 0, localHits: 0, misses: 0, fetches: 0, waits: 0, stale: 0, errors: 0 }
      expect(client.stats()).toEqual({
        total: { ...zero, hits: 1, misses: 3, fetches: 4, errors: 1 },
        stores: { A: { ...zero, hits: 1, misses: 1, fetches: 2, errors: 1 }, B: { ...zero, misses: 2, fetches: 2 } },
      })
    })

    it("client.stats() lists a store named '__proto__' as its own entry, counted in the total", async () => {
      const store = cached('stats-proto:<<id>>', ({ id }: { id: string }) => id, { client, name: '__proto__' })
      await store.get({ id: '1' })
      await store.get({ id: '1' })
      const { total, stores } = client.stats()
      expect(Object.keys(stores)).toEqual(['__proto__'])
      expect(Object.getPrototypeOf(stores)).toBe(Object.prototype)
      expect(Object.getOwnPropertyDescriptor(stores, '__proto__')?.value).toEqual({ ...total })
      expect(total).toMatchObject({ hits: 1, misses: 1, fetches: 1 })
    })

    it("the logger's ERROR carries the error as detail; other ops carry none", async () => {
      const store = cached('detail:<<id>>', ({ id }: { id: string }) => id, { client })
      await rawSet(client, [store.key({ id: '1' })], 'not ours')
      const details: unknown[] = []
      const ops: string[] = []
      const other = createClient({
        ...backend.options(),
        prefix: client.prefix,
        logger: {
          log: (_s, _k, op, detail) => {
            ops.push(op)
            details.push(detail)
          },
        },
      })
      try {
        // The memory backend lives in its client: write the foreign value through this one.
        if (backend.kind === 'memory') await rawSet(other, [store.key({ id: '1' })], 'not ours')
        await cached('detail:<<id>>', ({ id }: { id: string }) => id, { client: other }).get({ id: '1' })
        expect(ops).toEqual(['ERROR', 'FETCH'])
        expect((details[0] as { error: Error }).error.message).toMatch(/was not written by this store's codec/)
        expect(details[1]).toBeUndefined()
      } finally {
        await other.close()
      }
      expect(logger.ops()).toEqual([])
    })

    it('publishes every op on cacheme:op and traces gets and fetches on cacheme:get / cacheme:fetch', async () => {
      const ops: unknown[] = []
      const traced: string[] = []
      const onOp = (message: unknown) => {
        ops.push(message)
      }
      const get = tracingChannel('cacheme:get')
      const fetch = tracingChannel('cacheme:fetch')
      const handlers = (name: string) => ({
        start: (ctx: unknown) => {
          traced.push(`${name} start ${JSON.stringify(ctx)}`)
        },
        asyncEnd: (ctx: unknown) => {
          traced.push(`${name} end ${(ctx as { result?: unknown }).result}`)
        },
        end: () => {},
        asyncStart: () => {},
        error: () => {},
      })
      const getHandlers = handlers('get')
      const fetchHandlers = handlers('fetch')
      channel('cacheme:op').subscribe(onOp)
      get.subscribe(getHandlers)
      fetch.subscribe(fetchHandlers)
      try {
        const store = cached('traced:<<id>>', ({ id }: { id: string }) => `v${id}`, { client, name: 'Traced' })
        expect(await store.get({ id: '1' })).toBe('v1')
        expect(await store.get({ id: '1' })).toBe('v1')
      } finally {
        channel('cacheme:op').unsubscribe(onOp)
        get.unsubscribe(getHandlers)
        fetch.unsubscribe(fetchHandlers)
      }
      expect(ops).toEqual([
        { store: 'Traced', key: 'traced:1:v1', op: 'MISS', detail: undefined },
        { store: 'Traced', key: 'traced:1:v1', op: 'FETCH', detail: undefined },
        { store: 'Traced', key: 'traced:1:v1', op: 'HIT', detail: undefined },
      ])
      expect(traced).toEqual([
        'get start {"store":"Traced","key":"traced:1:v1"}',
        'fetch start {"store":"Traced","key":"traced:1:v1"}',
        'fetch end v1',
        'get end v1',
        'get start {"store":"Traced","key":"traced:1:v1"}',
        'get end v1',
      ])
    })
  })
}
