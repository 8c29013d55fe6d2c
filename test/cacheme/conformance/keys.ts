import { describe, expect, it } from 'vitest'
import { cached, createClient, type Client } from 'cacheme'
import { clientPerTest, controlledFetcher, type BackendUnderTest } from './backend-under-test.js'
import { randomParamValues } from './random-params.js'

const RESERVED = /[:*?[\]{}\s]/

export function keyConformance(backend: BackendUnderTest): void {
  describe('keys', () => {
    let client: Client
    clientPerTest(backend, (c) => {
      client = c
    })

    it('are prefix:rendered template:vVERSION, as in cacheme-go', async () => {
      const withDefaultPrefix = createClient({ ...backend.options() })
      try {
        const books = cached('category:<<categoryID>>:book:<<bookID>>', () => 'x', { client: withDefaultPrefix })
        expect(books.key({ categoryID: 1, bookID: 3 })).toBe('cacheme:category:1:book:3:v1')
      } finally {
        await withDefaultPrefix.close()
      }
    })

    it('leave plain ids ([A-Za-z0-9_.-]) unchanged', () => {
      const store = cached('item:<<id>>', () => 1, { client })
      for (const id of ['42', 'abc', 'A_b-c.d', '0', '-1', '3.5', 'user_01HXYZ', 42, 0, -7, 3.25]) {
        expect(store.key({ id })).toBe(`${client.prefix}:item:${id}:v1`)
      }
    })

    it('encode any other value without reserved characters and without collisions', () => {
      const store = cached('pair:<<a>>:<<b>>', () => 1, { client })
      const values = randomParamValues(400, 20260101)
      const seen = new Map<string, string>()
      for (let i = 0; i < values.length; i++) {
        const a = values[i]!
        const b = values[(i * 7 + 3) % values.length]!
        const key = store.key({ a, b })
        const inner = key.slice(`${client.prefix}:pair:`.length, -':v1'.length)
        const [encodedA, encodedB, ...rest] = inner.split(':')
        expect(rest).toEqual([])
        for (const encoded of [encodedA!, encodedB!]) expect(encoded).not.toMatch(RESERVED)
        if (/^[A-Za-z0-9_.-]+$/.test(a)) expect(encodedA).toBe(a)
        const tuple = JSON.stringify([a, b])
        const earlier = seen.get(key)
        if (earlier !== undefined) expect(earlier).toBe(tuple)
        seen.set(key, tuple)
      }
      // Values that only differ in where a separator sits.
      expect(store.key({ a: 'x:y', b: 'z' })).not.toBe(store.key({ a: 'x', b: 'y:z' }))
      expect(store.key({ a: 'x', b: '' })).not.toBe(store.key({ a: '', b: 'x' }))
      expect(store.key({ a: '~x', b: 'y' })).not.toBe(store.key({ a: 'x', b: 'y' }))
    })

    it('take a version as a string or a number', () => {
      const fetcher = () => 1
      expect(cached('v:<<id>>', fetcher, { client, version: 'beta2' }).key({ id: 1 })).toBe(`${client.prefix}:v:1:vbeta2`)
      expect(cached('v:<<id>>', fetcher, { client, version: 7 }).key({ id: 1 })).toBe(`${client.prefix}:v:1:v7`)
    })

    it('call a version function whenever a key is built; a new version misses', async () => {
      let version = 1
      let versionCalls = 0
      const source = controlledFetcher(({ id }: { id: string }) => `value ${id} at ${version}`)
      const store = cached('fv:<<id>>', source.fetcher, {
        client,
        version: () => {
          versionCalls++
          return `${version}a`
        },
      })
      expect(store.key({ id: '1' })).toBe(`${client.prefix}:fv:1:v1a`)
      expect(versionCalls).toBe(1)
      expect(await store.get({ id: '1' })).toBe('value 1 at 1')
      const callsAfterGet = versionCalls
      expect(callsAfterGet).toBeGreaterThan(1)
      version = 2
      expect(store.key({ id: '1' })).toBe(`${client.prefix}:fv:1:v2a`)
      expect(await store.get({ id: '1' })).toBe('value 1 at 2')
      expect(source.calls).toHaveLength(2)
      version = 1
      expect(await store.get({ id: '1' })).toBe('value 1 at 1')
      expect(source.calls).toHaveLength(2)
    })
  })
}
