// backends/redis.ts get() on one server: a batch of lookups is one MGET however many keys it
// holds. It once spread the keys into the call's arguments, which past about 120,000 throws
// RangeError (the stack): every key of such a getMany fell back to its fetcher.
import { cached, createClient } from 'cacheme'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Redis } from '../../harness/ioredis.js'
import { startRedisServer, type RedisServer } from '../../harness/redis-server.js'

let server: RedisServer
let raw: Redis

beforeAll(async () => {
  server = await startRedisServer()
  raw = new Redis(server.url)
})

afterAll(async () => {
  raw?.disconnect()
  await server?.stop()
})

test('a getMany of 200,000 warm keys is served by Redis in one MGET, no key fetched', async () => {
  // A timeout to spare: what is tested is one MGET, not how fast 200,000 values come back.
  const client = createClient({ redis: server.url, prefix: 'many', timeout: '10s' })
  let fetches = 0
  const store = cached(
    'item:<<id>>',
    ({ id }: { id: number }) => {
      fetches++
      return `item ${id}`
    },
    { ttl: 600, client },
  )
  try {
    // Stored as the store stores them: one value written through it, its bytes copied to the rest.
    await store.set({ id: 0 }, 'stored')
    const bytes = (await raw.getBuffer(store.key({ id: 0 })))!
    const ids = Array.from({ length: 200_000 }, (_, i) => i)
    for (let from = 0; from < ids.length; from += 10_000) {
      const pipeline = raw.pipeline()
      for (const id of ids.slice(from, from + 10_000)) pipeline.set(store.key({ id }), bytes, 'EX', 600)
      await pipeline.exec()
    }
    const mgets = Number((await raw.info('commandstats')).match(/cmdstat_mget:calls=(\d+)/)?.[1] ?? 0)
    const values = await store.getMany(ids.map((id) => ({ id })))
    expect(values).toHaveLength(200_000)
    expect(values.every((v) => v === 'stored')).toBe(true)
    expect(fetches).toBe(0)
    expect(Number((await raw.info('commandstats')).match(/cmdstat_mget:calls=(\d+)/)?.[1])).toBe(mgets + 1)
  } finally {
    await client.close()
  }
}, 60_000)
