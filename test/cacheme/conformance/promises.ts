import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { cached, type Client } from 'cacheme'
import {
  clientPerTest,
  clientFor,
  controlledFetcher,
  recordingLogger,
  type BackendUnderTest,
  type RecordingLogger,
} from './backend-under-test.js'
import { mulberry32, randomParamValues } from './random-params.js'
import { rawGet, rawSet } from '../internals.js'

/** A lock marker as cacheme frames one: header 0xC1 'cm' 1 'l' + 32 hex token characters. */
function markerShaped(): Buffer {
  return Buffer.concat([Buffer.from([0xc1, 0x63, 0x6d, 1, 0x6c]), Buffer.from(randomBytes(16).toString('hex'), 'latin1')])
}

/**
 * The contract's "What every promise means", for what does not need a second process or a
 * fault: keys never collide, foreign bytes are a miss, a marker-shaped value never hangs a
 * call, refresh is fenced, the README's pipeline pattern is safe, close() releases markers.
 */
export function promiseConformance(backend: BackendUnderTest): void {
  describe('promises that hold', () => {
    let client: Client
    let logger: RecordingLogger
    clientPerTest(backend, (c, l) => {
      client = c
      logger = l
    })

    it('two different param tuples never give the same key, whatever the separators (property test)', () => {
      const random = mulberry32(20261201)
      const values = randomParamValues(120, 7).concat([
        'mary-ann',
        'mary',
        'ann-smith',
        'smith',
        '1',
        '12',
        '23',
        '3',
        '\uD800',
        '\uFFFD',
        '\uDC00x',
        'a.b',
        'a_b',
      ])
      const separators = ['', '-', '.', '_', ':', '~', '/', 'x', '1', 'a-', '-.', '__']
      for (const sepA of separators) {
        for (const sepB of separators) {
          const template = `t${sepA}<<a>>${sepB}<<b>>`
          const store = cached(template, () => 1, { client })
          const seen = new Map<string, string>()
          for (let n = 0; n < 300; n++) {
            const a = values[Math.floor(random() * values.length)]!
            const b = values[Math.floor(random() * values.length)]!
            const tuple = JSON.stringify([a, b])
            const key = store.key({ a, b })
            expect(key).not.toMatch(/[*?[\]{}\s]/)
            const earlier = seen.get(key)
            if (earlier !== undefined && earlier !== tuple) throw new Error(`${template}: ${earlier} and ${tuple} both give ${key}`)
            seen.set(key, tuple)
          }
        }
      }
    })

    it('the reported collisions are gone; plain ids stay readable where unambiguous', () => {
      const people = cached('user:<<first>>-<<last>>', () => 1, { client })
      expect(people.key({ first: 'mary-ann', last: 'smith' })).not.toBe(people.key({ first: 'mary', last: 'ann-smith' }))
      expect(people.key({ first: 'mary', last: 'ann-smith' })).toBe(`${client.prefix}:user:mary-ann-smith:v1`)
      const adjacent = cached('<<a>><<b>>', () => 1, { client })
      expect(adjacent.key({ a: 1, b: 23 })).not.toBe(adjacent.key({ a: 12, b: 3 }))
      const text = cached('t:<<s>>', () => 1, { client })
      expect(text.key({ s: '\uD800' })).not.toBe(text.key({ s: '\uFFFD' }))
      expect(cached('comment:<<id>>', () => 1, { client }).key({ id: 'c_01.x-2' })).toBe(`${client.prefix}:comment:c_01.x-2:v1`)
    })

    it('random foreign bytes under a key are a miss: fetched, overwritten, logged ERROR, never returned', async () => {
      const source = controlledFetcher(({ id }: { id: string }) => ({ id, fresh: true }))
      const store = cached('foreign:<<id>>', source.fetcher, { client })
      const random = mulberry32(99)
      const ids = Array.from({ length: 300 }, (_, i) => String(i))
      for (const id of ids) {
        const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 256)))
        await rawSet(client, [store.key({ id })], bytes)
      }
      const values = await store.getMany(ids.map((id) => ({ id })))
      expect(values).toEqual(ids.map((id) => ({ id, fresh: true })))
      expect(source.calls).toHaveLength(ids.length)
      expect(logger.ops().filter((op) => op === 'ERROR')).toHaveLength(ids.length)
      expect(await client.peek(ids.map((id) => store.key({ id })))).toEqual(ids.map(() => 'value'))
      expect(await store.get({ id: '7' })).toEqual({ id: '7', fresh: true })
      expect(source.calls).toHaveLength(ids.length)
    })

    it("another program's JSON or msgpack value is foreign too, in every codec", async () => {
      for (const codec of ['msgpack', 'json'] as const) {
        const store = cached(`other-${codec}:<<id>>`, ({ id }: { id: string }) => `ours ${id}`, { client, codec })
        await rawSet(client, [store.key({ id: 'j' })], '{"id":"j","theirs":true}')
        await rawSet(client, [store.key({ id: 'm' })], Buffer.from([0x92, 0x01, 0x02]))
        expect(await store.getMany([{ id: 'j' }, { id: 'm' }])).toEqual(['ours j', 'ours m'])
      }
    })

    it('a marker-shaped value with no TTL never hangs a get: it is replaced within lock.ttl + timeout', async () => {
      const store = cached('marked:<<id>>', ({ id }: { id: string }) => `value ${id}`, { client, lock: { ttl: '2s' } })
      // The shape cacheme's own markers have, and the shape wave 1 wrote.
      await rawSet(client, [store.key({ id: '1' })], markerShaped())
      await rawSet(
        client,
        [store.key({ id: '2' })],
        Buffer.concat([Buffer.from('\x00\xffcacheme-lock:', 'latin1'), Buffer.from('a'.repeat(32))]),
      )
      const started = Date.now()
      expect(await store.get({ id: '1' })).toBe('value 1')
      expect(await store.getMany([{ id: '2' }, { id: '1' }])).toEqual(['value 2', 'value 1'])
      expect(Date.now() - started).toBeLessThan(2000 + 1000)
      expect(logger.ops(store.key({ id: '1' }).slice(client.prefix.length + 1))).toContain('ERROR')
    })

    it('refresh() is fenced: a refresh whose fetch began before an invalidate never leaves its older value', async () => {
      let version = 1
      let gate = Promise.resolve()
      let release = () => {}
      let started = () => {}
      // Reads the source when called (like a query), answers when let go.
      const store = cached(
        'fenced:<<id>>',
        async ({ id }: { id: string }) => {
          const read = `${id} v${version}`
          started()
          await gate
          return read
        },
        { client },
      )
      expect(await store.get({ id: 'a' })).toBe('a v1')
      gate = new Promise<void>((resolve) => {
        release = resolve
      })
      const fetching = new Promise<void>((resolve) => {
        started = resolve
      })
      const refreshing = store.refresh({ id: 'a' })
      await fetching
      version = 2 // the source changes; the writer invalidates and that resolves
      await store.invalidate({ id: 'a' })
      gate = Promise.resolve()
      release()
      expect(await refreshing).toBe('a v1') // its caller started before the invalidate resolved
      expect(await store.get({ id: 'a' })).toBe('a v2')
    })

    it('while a refresh fetches, readers keep getting the value it replaces; a failed refresh gives it back', async () => {
      let fail = false
      const source = controlledFetcher(({ id }: { id: string }) => {
        if (fail) throw new Error('source down')
        return `${id} fresh`
      })
      const store = cached('kept:<<id>>', source.fetcher, { client, ttl: '1h' })
      await store.set({ id: 'k' }, 'k old')
      source.hold()
      const fetching = source.nextCall()
      const refreshing = store.refresh({ id: 'k' })
      await fetching
      expect(await store.get({ id: 'k' })).toBe('k old')
      fail = true
      source.release()
      await expect(refreshing).rejects.toThrow('source down')
      expect(await store.get({ id: 'k' })).toBe('k old')
      expect(source.calls).toHaveLength(1)
    })

    it("the README's pipeline pattern: one key failing before the others settle is no unhandled rejection", async () => {
      const unhandled: unknown[] = []
      const onUnhandled = (reason: unknown) => {
        unhandled.push(reason)
      }
      process.on('unhandledRejection', onUnhandled)
      try {
        const slow = controlledFetcher(({ id }: { id: string }) => `slow ${id}`)
        const failing = cached('pl-fail:<<id>>', () => Promise.reject(new Error('fetch failed')), { client })
        const fine = cached('pl-slow:<<id>>', slow.fetcher, { client })
        slow.hold()
        const p = client.pipeline()
        const aP = failing.getP(p, { id: '1' })
        const bP = fine.getP(p, { id: '1' })
        const executing = p.execute()
        await slow.nextCall()
        await new Promise((resolve) => setImmediate(resolve)) // the failure has happened by now
        slow.release()
        await executing
        const outcome = await Promise.all([aP, bP]).then(
          () => 'resolved',
          (error: Error) => error.message,
        )
        expect(outcome).toBe('fetch failed')
        await new Promise((resolve) => setImmediate(resolve)) // Node reports unhandled rejections after the microtasks
        expect(unhandled).toEqual([])
      } finally {
        process.off('unhandledRejection', onUnhandled)
      }
    })

    it('close() during a fill releases its lock marker before it resolves', async () => {
      const own = clientFor(backend, { logger: recordingLogger() })
      const source = controlledFetcher(({ id }: { id: string }) => id)
      const store = cached('closing:<<id>>', source.fetcher, { client: own })
      source.hold()
      const fetching = source.nextCall()
      const filling = store.get({ id: 'x' })
      await fetching
      const key = store.key({ id: 'x' })
      expect(await own.peek([key])).toEqual(['lock'])
      if (backend.kind === 'memory') {
        await own.close() // the memory backend goes with its client: nothing left to check
      } else {
        const observer = clientFor(backend)
        try {
          await own.close()
          expect(await observer.peek([key])).toEqual(['missing'])
        } finally {
          await observer.close()
        }
      }
      source.release()
      expect(await filling).toBe('x')
    })

    // The memory backend's indexes go with its process; Redis keeps what cacheme leaves.
    if (backend.indexTtls)
      it("a store index lives no longer than the longest-lived key it lists (an old version's index expires)", async () => {
        const v1 = cached('indexed:<<id>>', ({ id }: { id: string }) => id, { client, ttl: '1h', version: 1 })
        const short = cached('indexed-short:<<id>>', ({ id }: { id: string }) => id, { client, ttl: '30s' })
        await v1.getMany(Array.from({ length: 20 }, (_, i) => ({ id: String(i) })))
        await short.set({ id: 'a' }, 'a')
        const ttls = await backend.indexTtls!(client.prefix)
        expect(ttls.length).toBeGreaterThan(0)
        for (const ttl of ttls) {
          expect(ttl).toBeGreaterThan(0) // never -1: no index outlives its keys
          expect(ttl).toBeLessThanOrEqual(3_600_000)
        }
        expect(ttls.some((ttl) => ttl <= 30_000)).toBe(true)
      })

    it('client.peek() tells values, lock markers, foreign bytes and missing keys apart', async () => {
      const store = cached('peek:<<id>>', ({ id }: { id: string }) => id, { client })
      const jsonStore = cached('peekj:<<id>>', ({ id }: { id: string }) => id, { client, codec: 'json' })
      await store.get({ id: 'v' })
      await jsonStore.get({ id: 'j' })
      await rawSet(client, [store.key({ id: 'f' })], 'plain text')
      await rawSet(client, [store.key({ id: 'l' })], markerShaped())
      const keys = [
        store.key({ id: 'v' }),
        jsonStore.key({ id: 'j' }),
        store.key({ id: 'f' }),
        store.key({ id: 'l' }),
        store.key({ id: 'none' }),
      ]
      expect(await client.peek(keys)).toEqual(['value', 'value', 'foreign', 'lock', 'missing'])
      await expect(client.peek('x' as never)).rejects.toThrow('client.peek() takes an array of keys, got "x"')
      const [raw] = await rawGet(client, [store.key({ id: 'v' })])
      expect(raw![0]).toBe(0xc1)
    })
  })
}
