import { afterEach, describe, expect, inject, it } from 'vitest'
import { cached, configure, createClient, type Client } from 'cacheme'
import { startChild } from '../../harness/children.js'

const CHILD = new URL('./children/hit-path-child.mjs', import.meta.url)

// Stores with one placeholder and a fixed version hand out remembered key strings; these tests
// check that the keys stay exactly what they would be without remembering.
describe('remembered keys of single-placeholder stores', () => {
  const clients: Client[] = []
  const client = (prefix: string) => {
    const c = createClient({ prefix })
    clients.push(c)
    return c
  }
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
  })

  it('the same id gives the same key, as a number or as a string', () => {
    const store = cached('item:<<id>>', ({ id }: { id: number | string }) => id, { client: client('m1') })
    expect(store.key({ id: 7 })).toBe('m1:item:7:v1')
    expect(store.key({ id: 7 })).toBe('m1:item:7:v1')
    expect(store.key({ id: '7' })).toBe('m1:item:7:v1')
    expect(store.key({ id: 'a b' })).toBe(`m1:item:~4~${Buffer.from('a b').toString('base64url')}:v1`)
  })

  it('keys follow the default client when configure() switches it', async () => {
    const store = cached('item:<<id>>', ({ id }: { id: number }) => id)
    const first = configure({ prefix: 'm2a' })
    expect(store.key({ id: 1 })).toBe('m2a:item:1:v1')
    const second = configure({ prefix: 'm2b' })
    clients.push(first, second)
    expect(store.key({ id: 1 })).toBe('m2b:item:1:v1')
  })

  it('stay right over many more distinct ids than are remembered, and for ids seen again', () => {
    const store = cached('item:<<id>>', ({ id }: { id: number }) => id, { client: client('m3') })
    for (let round = 0; round < 2; round++) {
      for (let id = 0; id < 40_000; id++) {
        if (store.key({ id }) !== `m3:item:${id}:v1`) throw new Error(`wrong key for ${id}: ${store.key({ id })}`)
      }
    }
    expect(store.key({ id: 5 })).toBe('m3:item:5:v1')
  })

  it('a version function is asked on every key (nothing remembered across versions)', () => {
    let version = 1
    const store = cached('item:<<id>>', ({ id }: { id: number }) => id, { client: client('m4'), version: () => version })
    expect(store.key({ id: 1 })).toBe('m4:item:1:v1')
    version = 2
    expect(store.key({ id: 1 })).toBe('m4:item:1:v2')
  })

  it('an invalid param is rejected every time, never remembered', () => {
    const store = cached('item:<<id>>', ({ id }: { id: number }) => id, { client: client('m5') })
    for (let i = 0; i < 2; i++) expect(() => store.key({ id: Number.NaN })).toThrow(/param 'id'.*finite number/)
  })
})

// Issue 12's house: one verb per layer from Store.get to the Redis command, and a warm hit that
// crosses at most 4 of the package's files (store → client core → backend → codec; the codec's
// own files count as one layer). Counted in a child process by V8's precise coverage (exact call
// counts per function), so the count is exact, not sampled.
describe('the hit path', () => {
  const { url } = inject('redis').standalone

  it('a warm Redis hit of get() runs 4 files of ours: store, client core, backend, codec', async () => {
    const child = await startChild(CHILD, { env: { REDIS_URL: url, PREFIX: 'hit-path' } })
    try {
      const { files, hits } = await child.request<{ files: string[]; hits: number }>('filesRun', { op: 'get', hits: 200 })
      expect(hits).toBe(200) // every counted call was a Redis hit
      expect(files.length, `a warm hit ran ${files.join(', ')}`).toBeLessThanOrEqual(4)
      expect(files).toEqual(['backends/redis.js', 'client/core.js', 'codec/', 'store/store.js'])
    } finally {
      await child.exit()
    }
  })

  it('a warm getMany() adds only its own batch (store/get-many.ts) to those', async () => {
    const child = await startChild(CHILD, { env: { REDIS_URL: url, PREFIX: 'hit-path-many' } })
    try {
      const { files, hits } = await child.request<{ files: string[]; hits: number }>('filesRun', { op: 'getMany', hits: 100 })
      expect(hits).toBe(300)
      expect(files).toEqual(['backends/redis.js', 'client/core.js', 'codec/', 'store/get-many.js', 'store/store.js'])
    } finally {
      await child.exit()
    }
  })
})
