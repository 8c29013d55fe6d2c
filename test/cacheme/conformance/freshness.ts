import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cached, createClient, DurationError, FetchTimeoutError, type Client, type FetchContext, type Store } from 'cacheme'
import { deferred, uniquePrefix, type BackendUnderTest, type Deferred } from './backend-under-test.js'
import { rawGet } from '../internals.js'

interface Line {
  key: string
  op: string
  error?: Error
}

/**
 * A fetcher of `${id}-${n}` (n counts its calls) that can be held open and made to fail; it
 * records each call's ctx. Time passes only where a TTL must run out (a short one).
 */
function source() {
  const contexts: FetchContext<string>[] = []
  let gate: Deferred<void> | undefined
  let started: Deferred<void> | undefined
  let failWith: string | undefined
  let n = 0
  return {
    contexts,
    get calls() {
      return n
    },
    fetcher: async ({ id }: { id: string }, ctx: FetchContext<string>): Promise<string> => {
      const call = ++n
      contexts.push(ctx)
      started?.resolve()
      if (gate) await gate.promise
      if (failWith) throw new Error(failWith)
      return `${id}-${call}`
    },
    hold() {
      gate = deferred()
    },
    release() {
      gate?.resolve()
      gate = undefined
    },
    fail(message: string | undefined) {
      failWith = message
    },
    /** Resolves when the next call starts. */
    nextCall() {
      started = deferred()
      return started.promise
    },
  }
}

/** Until the key holds a value again (not a refresh's marker): the background fill committed or gave the value back. */
async function settledKey(client: Client, key: string): Promise<Buffer> {
  for (let i = 0; i < 2000; i++) {
    const [bytes] = await rawGet(client, [key])
    if (bytes && bytes[4] === 0x76 /* 'v': a value frame */) return bytes
    await sleep(5)
  }
  throw new Error(`${key} still holds no value`)
}

export function freshnessConformance(backend: BackendUnderTest): void {
  describe('freshness', () => {
    let client: Client
    let lines: Line[]
    const ops = (key?: string) => lines.filter((l) => key === undefined || l.key === key).map((l) => l.op)
    beforeEach(() => {
      lines = []
      client = createClient({
        ...backend.options(),
        prefix: uniquePrefix(),
        logger: {
          log: (_store, key, op, detail) => {
            lines.push({ key, op, ...(detail?.error ? { error: detail.error } : {}) })
          },
        },
      })
    })
    afterEach(() => client.close())

    const short = (store: Store<{ id: string }, string>, id: string) => store.key({ id }).slice(client.prefix.length + 1)

    it('staleWhileRevalidate: past ttl, get, getMany and getP return the old value at once (STALE) while one background fetch refreshes it', async () => {
      const s = source()
      const store = cached('swr:<<id>>', s.fetcher, { ttl: '100ms', staleWhileRevalidate: '1m', client })
      expect(await store.get({ id: 'a' })).toBe('a-1')
      await sleep(150)
      s.hold()
      const refreshing = s.nextCall()
      lines = []
      // Every caller resolves while the refresh is held open: nobody waits for it.
      expect(await store.get({ id: 'a' })).toBe('a-1')
      await refreshing
      const pipeline = client.pipeline()
      const piped = store.getP(pipeline, { id: 'a' })
      await pipeline.execute()
      expect(await Promise.all([store.get({ id: 'a' }), store.getMany([{ id: 'a' }, { id: 'a' }]), piped])).toEqual([
        'a-1',
        ['a-1', 'a-1'],
        'a-1',
      ])
      expect(s.calls).toBe(2)
      expect(s.contexts[1]!.stale).toBe('a-1')
      expect(s.contexts[0]!.stale).toBeUndefined()
      // The pipeline's lookup, then get() and getMany() joined in one tick's batch (logged once).
      expect(ops(short(store, 'a'))).toEqual(['STALE', 'FETCH', 'STALE', 'STALE'])
      s.release()
      // The refresh stored its value (read raw: a get now could find it stale already on a loaded machine).
      expect((await settledKey(client, store.key({ id: 'a' }))).includes('a-2')).toBe(true)
      expect(client.stats().stores['swr:<<id>>']).toMatchObject({ stale: 3, fetches: 2 })
    })

    it('staleWhileRevalidate: a failed background refresh keeps the old value, logged ERROR', async () => {
      const s = source()
      const store = cached('swr-fail:<<id>>', s.fetcher, { ttl: '100ms', staleWhileRevalidate: '1m', client })
      await store.get({ id: 'a' })
      await sleep(150)
      s.fail('source down')
      lines = []
      expect(await store.get({ id: 'a' })).toBe('a-1')
      await settledKey(client, store.key({ id: 'a' }))
      for (let i = 0; i < 200 && !ops().includes('ERROR'); i++) await sleep(5)
      expect(lines.find((l) => l.op === 'ERROR')?.error?.message).toBe('source down')
      s.fail(undefined)
      expect(await store.get({ id: 'a' })).toBe('a-1') // still the old value, stale: refreshed again
      await settledKey(client, store.key({ id: 'a' }))
    })

    it('staleIfError: a failing fetch inside the window returns the old value (STALE, the error in the detail); past it, the error', async () => {
      const s = source()
      const store = cached('sie:<<id>>', s.fetcher, { ttl: '100ms', staleIfError: '400ms', client })
      expect(await store.get({ id: 'a' })).toBe('a-1')
      await sleep(150)
      s.fail('source down')
      lines = []
      expect(await store.get({ id: 'a' })).toBe('a-1')
      expect(ops()).toEqual(['MISS', 'FETCH', 'STALE'])
      expect(lines[2]!.error?.message).toBe('source down')
      // The failed fill gave the old value back.
      expect((await settledKey(client, store.key({ id: 'a' }))).length).toBeGreaterThan(0)
      await sleep(400)
      await expect(store.get({ id: 'a' })).rejects.toThrow('source down')
      s.fail(undefined)
      expect(await store.get({ id: 'a' })).toBe('a-4')
    })

    it('fetchTimeout.soft: with a stale value, callers get it after soft while the fetch goes on and stores its result', async () => {
      const s = source()
      const store = cached('soft:<<id>>', s.fetcher, { ttl: '100ms', staleIfError: '1m', fetchTimeout: { soft: '50ms' }, client })
      await store.get({ id: 'a' })
      await sleep(150)
      s.hold()
      lines = []
      expect(await store.get({ id: 'a' })).toBe('a-1') // the fetch is still held
      expect(ops()).toEqual(['MISS', 'FETCH', 'STALE'])
      s.release()
      expect((await settledKey(client, store.key({ id: 'a' }))).includes('a-2')).toBe(true)
      expect(s.calls).toBe(2)
    })

    it('fetchTimeout.hard: the fetch signal aborts, callers reject with FetchTimeoutError, the lock is released at once', async () => {
      let signal: AbortSignal | undefined
      const store = cached(
        'hard:<<id>>',
        (_: { id: string }, ctx) => {
          signal = ctx.signal
          return new Promise<string>(() => {}) // hangs; only the signal ends it
        },
        { ttl: '5m', fetchTimeout: '100ms', client },
      )
      const error = await store.get({ id: 'a' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(FetchTimeoutError)
      expect(error).toMatchObject({ code: 'CACHEME_FETCH_TIMEOUT', timeoutMs: 100, store: 'hard:<<id>>' })
      expect(signal!.aborted).toBe(true)
      expect(signal!.reason).toBe(error)
      expect(await rawGet(client, [store.key({ id: 'a' })])).toEqual([null])
    })

    it('fetchTimeout.hard under staleIfError: the old value, with the FetchTimeoutError in the detail', async () => {
      let hang = false
      const store = cached('hard-sie:<<id>>', ({ id }: { id: string }) => (hang ? new Promise<string>(() => {}) : id), {
        ttl: '100ms',
        staleIfError: '1m',
        fetchTimeout: { hard: '100ms' },
        client,
      })
      await store.get({ id: 'a' })
      await sleep(150)
      hang = true
      lines = []
      expect(await store.get({ id: 'a' })).toBe('a')
      expect(ops()).toEqual(['MISS', 'FETCH', 'STALE'])
      expect(lines[2]!.error).toBeInstanceOf(FetchTimeoutError)
      await settledKey(client, store.key({ id: 'a' }))
    })

    it("ctx.setTtl() sets this value's TTL (plus the store's windows); a bad TTL rejects naming it", async () => {
      const store = cached(
        'setttl:<<id>>',
        ({ id }: { id: string }, ctx): string | null => {
          if (id === 'none') {
            ctx.setTtl(10)
            return null
          }
          if (id === 'bad') ctx.setTtl('soon')
          return id
        },
        { ttl: '5m', client },
      )
      await backend.expectTtl(client, store.key({ id: 'none' }), 10_000, async () => {
        expect(await store.get({ id: 'none' })).toBeNull()
      })
      await backend.expectTtl(client, store.key({ id: 'x' }), 300_000, async () => {
        await store.get({ id: 'x' })
      })
      await expect(store.get({ id: 'bad' })).rejects.toThrow(DurationError)
      await expect(store.get({ id: 'bad' })).rejects.toThrow(/ctx.setTtl\(\) of 'setttl:<<id>>' "soon" is not a duration/)
      const windows = cached(
        'setttl-swr:<<id>>',
        (_: { id: string }, ctx): null => {
          ctx.setTtl('10s')
          return null
        },
        {
          ttl: '5m',
          staleWhileRevalidate: '1m',
          staleIfError: '2m',
          client,
        },
      )
      await backend.expectTtl(client, windows.key({ id: 'n' }), 130_000, async () => {
        await windows.get({ id: 'n' })
      })
      await backend.expectTtl(client, windows.key({ id: 'r' }), 130_000, async () => {
        await windows.refresh({ id: 'r' })
      })
    })

    it('ctx.stale is the value a refresh() replaces (undefined when there is none)', async () => {
      const s = source()
      const store = cached('stale-ctx:<<id>>', s.fetcher, { ttl: '5m', client })
      expect(await store.refresh({ id: 'a' })).toBe('a-1')
      expect(await store.refresh({ id: 'a' })).toBe('a-2')
      // A refresh over a refresh in flight: the value that one keeps readable.
      s.hold()
      const started = s.nextCall()
      const first = store.refresh({ id: 'a' })
      await started
      const second = store.refresh({ id: 'a' })
      s.release()
      expect(await Promise.all([first, second])).toEqual(['a-3', 'a-4'])
      expect(s.contexts.map((c) => c.stale)).toEqual([undefined, 'a-1', 'a-2', 'a-2'])
      expect(await store.get({ id: 'a' })).toBe('a-4')
    })

    it("a store's TTL with windows: Redis keeps the value through the longer window, for get, set and refresh", async () => {
      const store = cached('phys:<<id>>', ({ id }: { id: string }) => id, {
        ttl: '5m',
        staleWhileRevalidate: '1m',
        staleIfError: '10m',
        client,
      })
      await backend.expectTtl(client, store.key({ id: 'g' }), 900_000, async () => {
        await store.get({ id: 'g' })
      })
      await backend.expectTtl(client, store.key({ id: 's' }), 900_000, () => store.set({ id: 's' }, 's'))
      await backend.expectTtl(client, store.key({ id: 'r' }), 900_000, async () => {
        await store.refresh({ id: 'r' })
      })
    })

    it('invalidate means gone and set means new: never the stale value after either resolved', async () => {
      const s = source()
      const store = cached('raw:<<id>>', s.fetcher, { ttl: '100ms', staleWhileRevalidate: '1m', staleIfError: '1m', client })
      await store.get({ id: 'a' })
      await store.get({ id: 'b' })
      await sleep(150)
      await store.invalidate({ id: 'a' })
      await store.set({ id: 'b' }, 'b-set')
      s.hold()
      const started = s.nextCall()
      let settled = false
      const afterInvalidate = store.get({ id: 'a' }).finally(() => {
        settled = true
      })
      await started
      expect(settled).toBe(false) // a miss: it waits for the fetch, never the stale value
      expect(await store.get({ id: 'b' })).toBe('b-set')
      s.release()
      expect(await afterInvalidate).toBe('a-3')
    })

    it('earlyRefresh: under hammering load the hot key is refreshed before it expires; no caller ever waits', async () => {
      let fetches = 0
      // δ ≈ 40 ms and β = 2: the refresh starts some hundreds of ms before expiry, room for a loaded machine's pauses.
      const store = cached(
        'early:<<id>>',
        async ({ id }: { id: string }) => {
          fetches++
          await sleep(40)
          return `${id}-${fetches}`
        },
        { ttl: '1s', earlyRefresh: { beta: 2 }, client },
      )
      await store.get({ id: 'hot' })
      lines = []
      const seen = new Set<string>()
      const until = Date.now() + 2500
      while (Date.now() < until) {
        for (const value of await Promise.all(Array.from({ length: 10 }, () => store.get({ id: 'hot' })))) seen.add(value)
        await sleep(1)
      }
      // Only hits: no read found the key expired (MISS) or waited for a fetch (WAIT).
      expect([...new Set(ops())].sort()).toEqual(['FETCH', 'HIT'])
      expect(seen.size).toBeGreaterThanOrEqual(3)
      expect(fetches).toBeLessThan(30) // once per refresh, not once per caller
      await settledKey(client, store.key({ id: 'hot' }))
    })
  })
}
