import { describe, expect, it } from 'vitest'
import { cached, FetchManyError, type Client, type FetchManyContext } from 'cacheme'
import { rawGet } from '../internals.js'
import { countedClientPerTest, expectTripsPerNode } from './round-trips.js'
import { lookupsAnswered } from './singleflight.js'
import {
  clientPerTest,
  deferred,
  type BackendUnderTest,
  type CountedBackend,
  type Deferred,
  type RecordingLogger,
  type RoundTripCounting,
} from './backend-under-test.js'

interface Post {
  id: number
  title: string
  by: 'one' | 'many'
}

/** A fetchMany whose calls are recorded and that can be held open (on a promise the test releases) or made to answer wrongly. */
export function batchFetcher() {
  const calls: number[][] = []
  let gate: Deferred<void> | undefined
  let answer: ((ids: number[]) => unknown) | undefined
  const started: Deferred<void>[] = []
  const fetchMany = async (paramsList: { id: number }[], ctx: FetchManyContext): Promise<Post[]> => {
    expect(ctx.signal).toBeInstanceOf(AbortSignal)
    const ids = paramsList.map((p) => p.id)
    calls.push(ids)
    started.shift()?.resolve()
    if (gate) await gate.promise
    if (answer) return answer(ids) as Post[]
    return ids.map((id) => ({ id, title: `post ${id}`, by: 'many' }))
  }
  return {
    fetchMany,
    calls,
    hold() {
      gate = deferred()
    },
    release() {
      gate?.resolve()
      gate = undefined
    },
    nextCall() {
      const d = deferred()
      started.push(d)
      return d.promise
    },
    answerWith(f: (ids: number[]) => unknown) {
      answer = f
    },
  }
}

const single = ({ id }: { id: number }): Post => ({ id, title: `post ${id}`, by: 'one' })
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

/** The contract's "Batch loading": the misses of one getMany / pipeline / tick of gets go to ONE fetchMany call. */
export function batchConformance(backend: BackendUnderTest): void {
  describe('batch loading (fetchMany)', () => {
    let client: Client
    let logger: RecordingLogger
    clientPerTest(backend, (c, l) => {
      client = c
      logger = l
    })

    const posts = (batch: ReturnType<typeof batchFetcher>, extra: object = {}) =>
      cached('post:<<id>>', single, { client, fetchMany: batch.fetchMany, ...extra })

    it('a cold getMany(20) is one fetchMany call with the misses in order; the values are then hits', async () => {
      const batch = batchFetcher()
      const store = posts(batch)
      const ids = range(0, 20)
      const values = await store.getMany(ids.map((id) => ({ id })))
      expect(values.map((v) => v.id)).toEqual(ids)
      expect(values.every((v) => v.by === 'many')).toBe(true)
      expect(batch.calls).toEqual([ids])
      expect(await store.getMany(ids.map((id) => ({ id })))).toEqual(values)
      expect(batch.calls).toHaveLength(1)
      expect(logger.ops().filter((op) => op === 'FETCH')).toHaveLength(20)
      expect(client.stats().stores['post:<<id>>']).toMatchObject({ misses: 20, fetches: 20, hits: 20 })
    })

    it('only the misses are fetched: the hits of the batch are served as they are', async () => {
      const batch = batchFetcher()
      const store = posts(batch)
      await store.getMany([2, 5, 7].map((id) => ({ id })))
      const values = await store.getMany(range(0, 10).map((id) => ({ id })))
      expect(values.map((v) => v.id)).toEqual(range(0, 10))
      expect(batch.calls).toHaveLength(2)
      expect(batch.calls[1]).toEqual([0, 1, 3, 4, 6, 8, 9])
    })

    it('the misses of one pipeline.execute() for the store are one call (another store keeps its own)', async () => {
      const batch = batchFetcher()
      const store = posts(batch)
      const other = cached('note:<<id>>', ({ id }: { id: number }) => ({ id }), { client })
      const pipeline = client.pipeline()
      const queued = range(0, 12).map((id) => store.getP(pipeline, { id }))
      const notes = range(0, 3).map((id) => other.getP(pipeline, { id }))
      await pipeline.execute()
      expect((await Promise.all(queued)).map((v) => v.id)).toEqual(range(0, 12))
      expect((await Promise.all(notes)).map((v) => v.id)).toEqual(range(0, 3))
      expect(batch.calls).toHaveLength(1)
      expect(batch.calls[0]).toHaveLength(12)
    })

    it('the misses of the get() calls made in one tick are one call', async () => {
      const batch = batchFetcher()
      const store = posts(batch)
      const values = await Promise.all(range(0, 15).map((id) => store.get({ id })))
      expect(values.map((v) => v.id)).toEqual(range(0, 15))
      expect(batch.calls).toHaveLength(1)
      expect(batch.calls[0]).toHaveLength(15)
    })

    it('a duplicate key is fetched once and its value given to each position, with or without singleflight', async () => {
      for (const singleflight of [true, false]) {
        const batch = batchFetcher()
        const store = cached(`dup-${singleflight}:<<id>>`, single, { client, fetchMany: batch.fetchMany, singleflight })
        const ids = [3, 1, 3, 2, 1, 3]
        const values = await store.getMany(ids.map((id) => ({ id })))
        expect(values.map((v) => v.id)).toEqual(ids)
        expect(batch.calls).toHaveLength(1)
        expect(batch.calls[0]).toEqual([3, 1, 2])
        const many = await Promise.all(ids.map((id) => store.get({ id: id + 10 })))
        expect(many.map((v) => v.id)).toEqual(ids.map((id) => id + 10))
        expect(batch.calls).toHaveLength(2)
        expect(batch.calls[1]).toEqual([13, 11, 12])
      }
    })

    it("a get made while the batch fetches joins that key's fill instead of fetching again", async () => {
      const batch = batchFetcher()
      const store = posts(batch)
      batch.hold()
      const first = batch.nextCall()
      const all = store.getMany(range(0, 5).map((id) => ({ id })))
      await first
      const late = store.get({ id: 3 })
      const lateMany = store.getMany([{ id: 4 }, { id: 9 }])
      await lookupsAnswered(client)
      batch.release()
      expect((await all).map((v) => v.id)).toEqual(range(0, 5))
      expect((await late).id).toBe(3)
      expect((await lateMany).map((v) => v.id)).toEqual([4, 9])
      expect(batch.calls).toEqual([range(0, 5), [9]])
    })

    for (const fault of ['a wrong-length answer', 'a throw', 'a non-array answer'] as const) {
      it(`${fault} rejects the missed callers with FetchManyError naming the store and the lengths; hits are unaffected; locks are released at once`, async () => {
        const batch = batchFetcher()
        const store = posts(batch)
        await store.getMany([{ id: 1 }, { id: 2 }])
        batch.answerWith((ids) => {
          if (fault === 'a throw') throw new Error('the database is down')
          if (fault === 'a non-array answer') return { not: 'an array' }
          return ids.slice(1).map((id) => ({ id, title: '', by: 'many' }))
        })
        const ids = range(0, 6)
        const error = await store.getMany(ids.map((id) => ({ id }))).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(error).toBeInstanceOf(FetchManyError)
        const failure = error as FetchManyError
        expect(failure.code).toBe('CACHEME_FETCH_MANY')
        expect(failure.store).toBe('post:<<id>>')
        expect(failure.expected).toBe(4)
        expect(failure.message).toContain("store 'post:<<id>>'")
        if (fault === 'a throw') {
          expect(failure.received).toBeUndefined()
          expect(failure.message).toContain('failed for 4 keys: the database is down')
          expect((failure.cause as Error).message).toBe('the database is down')
        } else if (fault === 'a wrong-length answer') {
          expect(failure.received).toBe(3)
          expect(failure.message).toContain('given 4 params and returned 3 values')
        } else {
          expect(failure.received).toBe(-1)
          expect(failure.message).toContain('given 4 params and returned object')
        }
        // Hits of the same batch resolved; settle shows each key's outcome.
        const settled = await store.getMany(
          ids.map((id) => ({ id })),
          { settle: true },
        )
        expect(settled.map((s) => s.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected'])
        expect((settled[1] as PromiseFulfilledResult<Post>).value.id).toBe(1)
        expect((settled[0] as PromiseRejectedResult).reason).toBeInstanceOf(FetchManyError)
        // The locks were released, not left to expire: the keys are empty, the next batch fetches them at once.
        expect(
          await rawGet(
            client,
            [0, 3, 4, 5].map((id) => store.key({ id })),
          ),
        ).toEqual([null, null, null, null])
        batch.answerWith((list) => list.map((id) => ({ id, title: 'again', by: 'many' })))
        expect((await store.getMany(ids.map((id) => ({ id })))).map((v) => v.id)).toEqual(ids)
        expect(batch.calls).toHaveLength(4)
      })
    }

    it('a failed batch rejects a caller of this process that joined one of its keys', async () => {
      const batch = batchFetcher()
      const store = posts(batch)
      batch.hold()
      batch.answerWith(() => {
        throw new Error('nope')
      })
      const first = batch.nextCall()
      const all = store.getMany([{ id: 1 }, { id: 2 }], { settle: true })
      await first
      const joined = store.get({ id: 2 }).then(
        () => 'resolved',
        (e: unknown) => e,
      )
      await lookupsAnswered(client)
      batch.release()
      expect((await all).map((s) => s.status)).toEqual(['rejected', 'rejected'])
      expect(await joined).toBeInstanceOf(FetchManyError)
      expect(batch.calls).toHaveLength(1)
    })

    it('a batch records its keys in the store index (invalidateAll removes them) and is fenced by a write during its fetch', async () => {
      const batch = batchFetcher()
      const store = posts(batch)
      await store.getMany(range(0, 5).map((id) => ({ id })))
      expect(await store.invalidateAll()).toBe(5)
      batch.hold()
      const first = batch.nextCall()
      const loading = store.getMany(range(0, 3).map((id) => ({ id })))
      await first
      await store.invalidate({ id: 1 })
      await store.set({ id: 2 }, { id: 2, title: 'set by hand', by: 'one' })
      batch.release()
      expect((await loading).map((v) => v.id)).toEqual([0, 1, 2])
      // The batch's commit of 1 and 2 was fenced off: 1 stays empty, 2 keeps the write.
      expect((await rawGet(client, [store.key({ id: 1 })]))[0]).toBeNull()
      expect((await store.get({ id: 2 })).title).toBe('set by hand')
      expect(batch.calls).toEqual([range(0, 5), range(0, 3)])
    })

    it("getMany(ps, { settle: true }) resolves to every key's outcome", async () => {
      const store = cached(
        'settle:<<id>>',
        ({ id }: { id: number }) => {
          if (id % 2 === 1) throw new Error(`odd ${id}`)
          return { id }
        },
        { client },
      )
      const settled = await store.getMany(
        range(0, 4).map((id) => ({ id })),
        { settle: true },
      )
      expect(settled).toEqual([
        { status: 'fulfilled', value: { id: 0 } },
        { status: 'rejected', reason: expect.objectContaining({ message: 'odd 1' }) },
        { status: 'fulfilled', value: { id: 2 } },
        { status: 'rejected', reason: expect.objectContaining({ message: 'odd 3' }) },
      ])
      await expect(store.getMany(range(0, 4).map((id) => ({ id })))).rejects.toThrow(/^odd [13]$/)
      expect((await store.getMany([{ id: 0 }], { settle: false }))[0]).toEqual({ id: 0 })
    })

    it('getMany() options are checked: an unknown option is named (did you mean), settle must be a boolean', async () => {
      const store = posts(batchFetcher())
      await expect(store.getMany([{ id: 1 }], { setle: true } as never)).rejects.toThrow(
        /unknown getMany option 'setle' for post:<<id>>\.getMany\(\) \(did you mean 'settle'\?\)/,
      )
      await expect(store.getMany([{ id: 1 }], { settle: 'yes' } as never)).rejects.toThrow(
        /settle of post:<<id>>\.getMany\(\) must be true or false, got "yes"/,
      )
      await expect(store.getMany([{ id: 1 }], null as never)).rejects.toThrow(
        /getMany options of post:<<id>>\.getMany\(\) must be an object/,
      )
    })

    it('fetchMany must be a function', () => {
      expect(() => cached('bad:<<id>>', single, { client, fetchMany: 'no' as never })).toThrow(
        /fetchMany of 'bad:<<id>>' must be a function \(paramsList, ctx\) => values, got "no"/,
      )
      expect(() => cached('bad:<<id>>', single, { client, fetchmany: () => [] } as never)).toThrow(/did you mean 'fetchMany'/)
    })

    it('without fetchMany, misses call the fetcher per key', async () => {
      const calls: number[] = []
      const store = cached(
        'one:<<id>>',
        ({ id }: { id: number }) => {
          calls.push(id)
          return { id }
        },
        { client },
      )
      await store.getMany(range(0, 5).map((id) => ({ id })))
      expect(calls.sort()).toEqual(range(0, 5))
    })

    it('the fetcher still loads one key where no batch is (refresh)', async () => {
      const batch = batchFetcher()
      const store = posts(batch)
      expect((await store.refresh({ id: 1 })).by).toBe('one')
      expect(batch.calls).toEqual([])
    })

    it("a value that can't be stored is returned and the key left empty; the batch's other keys are stored", async () => {
      const store = cached('unstorable:<<id>>', ({ id }: { id: number }) => ({ id }) as { id: number; big?: bigint }, {
        client,
        fetchMany: (list: { id: number }[]) => list.map(({ id }) => (id === 1 ? { id, big: 1n } : { id })),
        codec: 'json',
      })
      const values = await store.getMany([{ id: 0 }, { id: 1 }, { id: 2 }])
      expect(values.map((v) => v.id)).toEqual([0, 1, 2])
      const raw = await rawGet(
        client,
        [0, 1, 2].map((id) => store.key({ id })),
      )
      expect(raw[0]).not.toBeNull()
      expect(raw[1]).toBeNull()
      expect(raw[2]).not.toBeNull()
      expect(logger.ops(store.key({ id: 1 }).slice(client.prefix.length + 1))).toContain('ERROR')
    })
  })
}

/** A cold batch costs one round trip per node for the lookups, one for the locks, one for the commit. */
export function batchRoundTripConformance(backend: BackendUnderTest, counting: RoundTripCounting): void {
  describe('batch loading round trips', () => {
    let counted: CountedBackend
    let client: Client
    countedClientPerTest(counting, (c, n) => {
      client = c
      counted = n
    })
    const expectTrips = (keys: string[], trips: number) => expectTripsPerNode(backend, counted, keys, trips)

    for (const via of ['getMany', 'pipeline', 'gets in one tick'] as const) {
      it(`a cold ${via} of 24 keys: lookup + acquire + commit = 3 round trips per node, one fetchMany call`, async () => {
        const calls: number[][] = []
        const store = cached('rt-post:<<id>>', ({ id }: { id: number }) => ({ id }), {
          client,
          fetchMany: (list: { id: number }[]) => {
            calls.push(list.map((p) => p.id))
            return list.map(({ id }) => ({ id }))
          },
        })
        // Opens every connection, loads the scripts and learns the publish command.
        await store.getMany(range(1000, 1024).map((id) => ({ id })))
        counted.reset()
        const ids = range(0, 24)
        let values: { id: number }[]
        if (via === 'getMany') {
          values = await store.getMany(ids.map((id) => ({ id })))
        } else if (via === 'pipeline') {
          const pipeline = client.pipeline()
          const queued = ids.map((id) => store.getP(pipeline, { id }))
          await pipeline.execute()
          values = await Promise.all(queued)
        } else {
          values = await Promise.all(ids.map((id) => store.get({ id })))
        }
        expect(values.map((v) => v.id)).toEqual(ids)
        expect(calls).toHaveLength(2)
        await expectTrips(
          ids.map((id) => store.key({ id })),
          3,
        )
      })
    }

    it('a failed fetchMany: lookup + acquire + release = 3 round trips per node', async () => {
      let fail = false
      const store = cached('rt-fail:<<id>>', ({ id }: { id: number }) => ({ id }), {
        client,
        fetchMany: (list: { id: number }[]) => {
          if (fail) throw new Error('down')
          return list.map(({ id }) => ({ id }))
        },
      })
      await store.getMany(range(1000, 1024).map((id) => ({ id })))
      fail = true
      counted.reset()
      const ids = range(0, 24)
      await expect(store.getMany(ids.map((id) => ({ id })))).rejects.toThrow(FetchManyError)
      await expectTrips(
        ids.map((id) => store.key({ id })),
        3,
      )
    })
  })
}
