import { describe, expect, it } from 'vitest'
import { cached, type Client } from 'cacheme'
import { clientPerTest, controlledFetcher, type BackendUnderTest, type RecordingLogger } from './backend-under-test.js'

/**
 * Resolves once every lookup `client` has queued so far has been answered and settled: a get of
 * a probe key goes into the same batch, so its answer comes with theirs, and its own miss takes
 * longer than their settling.
 */
export async function lookupsAnswered(client: Client): Promise<void> {
  await cached('probe:<<id>>', () => 'probe', { client }).get({ id: String(Math.random()) })
}

export function singleflightConformance(backend: BackendUnderTest): void {
  describe('in-process singleflight', () => {
    let client: Client
    let logger: RecordingLogger
    let source: ReturnType<typeof controlledFetcher<{ id: string }, string>>
    clientPerTest(backend, (c, l) => {
      client = c
      logger = l
      source = controlledFetcher(({ id }) => `value ${id}`)
    })

    it('concurrent get() of one key calls the fetcher once and gives every caller the value', async () => {
      const store = cached('sf:<<id>>', source.fetcher, { client })
      source.hold()
      const started = source.nextCall()
      const callers = Array.from({ length: 10 }, () => store.get({ id: '1' }))
      await started
      // A caller arriving while the fetch runs sends its own lookup (one already sent can't be
      // joined safely), sees this process's marker and joins the fill: no second fetch, no log.
      callers.push(store.get({ id: '1' }))
      await lookupsAnswered(client)
      source.release()
      expect(await Promise.all(callers)).toEqual(Array(11).fill('value 1'))
      expect(source.calls).toEqual([{ id: '1' }])
      expect(logger.ops(store.key({ id: '1' }).slice(client.prefix.length + 1))).toEqual(['MISS', 'FETCH'])
    })

    it('is per key: different keys fetch in parallel', async () => {
      const store = cached('sf:<<id>>', source.fetcher, { client })
      source.hold()
      const started = [source.nextCall(), source.nextCall()]
      const a = store.get({ id: 'a' })
      const b = store.get({ id: 'b' })
      await Promise.all(started) // both fetches run while the first is held
      source.release()
      expect(await Promise.all([a, b])).toEqual(['value a', 'value b'])
      expect(source.calls).toHaveLength(2)
    })

    it('getMany() joins get() in flight and groups order-insensitively', async () => {
      const store = cached('sf:<<id>>', source.fetcher, { client })
      source.hold()
      const started = source.nextCall()
      const single = store.get({ id: 'a' })
      await started
      const forward = store.getMany([{ id: 'a' }, { id: 'b' }, { id: 'c' }])
      const backward = store.getMany([{ id: 'c' }, { id: 'b' }, { id: 'a' }])
      const overlapping = store.getMany([{ id: 'b' }, { id: 'd' }])
      source.release()
      expect(await single).toBe('value a')
      expect(await forward).toEqual(['value a', 'value b', 'value c'])
      expect(await backward).toEqual(['value c', 'value b', 'value a'])
      expect(await overlapping).toEqual(['value b', 'value d'])
      expect(source.calls.map((c) => c.id).sort()).toEqual(['a', 'b', 'c', 'd'])
    })

    it('get() joins getMany() in flight', async () => {
      const store = cached('sf:<<id>>', source.fetcher, { client })
      source.hold()
      const started = source.nextCall()
      const many = store.getMany([{ id: 'x' }, { id: 'y' }])
      await started
      const single = store.get({ id: 'y' })
      source.release()
      expect(await many).toEqual(['value x', 'value y'])
      expect(await single).toBe('value y')
      expect(source.calls).toHaveLength(2)
    })

    it('singleflight: false lets concurrent callers fetch on their own', async () => {
      const store = cached('sf-off:<<id>>', source.fetcher, { client, singleflight: false, lock: false })
      source.hold()
      const first = source.nextCall()
      const second = source.nextCall()
      const callers = [store.get({ id: '1' }), store.get({ id: '1' })]
      await first
      await second
      source.release()
      expect(await Promise.all(callers)).toEqual(['value 1', 'value 1'])
      expect(source.calls).toHaveLength(2)
    })

    it('singleflight: false still fetches a key repeated in one getMany() once', async () => {
      const store = cached('sf-off-many:<<id>>', source.fetcher, { client, singleflight: false, lock: false })
      expect(await store.getMany([{ id: '1' }, { id: '2' }, { id: '1' }])).toEqual(['value 1', 'value 2', 'value 1'])
      expect(source.calls.map((c) => c.id).sort()).toEqual(['1', '2'])
    })

    it('a finished flight is forgotten: a later get() after invalidate() fetches again', async () => {
      const store = cached('sf:<<id>>', source.fetcher, { client })
      await store.get({ id: '1' })
      await store.invalidate({ id: '1' })
      await store.get({ id: '1' })
      expect(source.calls).toHaveLength(2)
    })

    it('an aborted caller stops waiting while the shared fetch goes on for the others', async () => {
      const store = cached('sf:<<id>>', source.fetcher, { client })
      source.hold()
      const started = source.nextCall()
      const controller = new AbortController()
      const aborted = store.get({ id: '1' }, { signal: controller.signal })
      const patient = store.get({ id: '1' })
      await started
      controller.abort()
      await expect(aborted).rejects.toThrow(/abort/i)
      source.release()
      expect(await patient).toBe('value 1')
      expect(source.calls).toHaveLength(1)
    })
  })
}
