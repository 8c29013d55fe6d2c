import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { CacheUnavailableError, cached, configure, createClient, invalidateTags } from 'cacheme'
import { startRedisServer, type RedisServer } from '../../harness/redis-server.js'

let server: RedisServer
beforeAll(async () => {
  server = await startRedisServer()
})
afterAll(() => server.stop())

test('invalidateTags on a hung server rejects with outcome "unknown", naming the tags and the cause; it is applied once the server goes on', async () => {
  const client = createClient({ redis: server.url, prefix: `tags-${randomUUID()}`, timeout: 300 })
  try {
    const store = cached('item:<<id>>', ({ id }: { id: string }) => `fetched ${id}`, { client, tags: ['items'] })
    await store.get({ id: '1' })
    expect(await client.invalidateTags(['none'])).toBe(0) // the server knows the script now
    server.pause()
    let error: unknown
    try {
      error = await client.invalidateTags(['items', 'more']).then(
        () => undefined,
        (e: unknown) => e,
      )
    } finally {
      server.resume()
    }
    expect(error).toBeInstanceOf(CacheUnavailableError)
    const unknown = error as CacheUnavailableError
    expect(unknown.outcome).toBe('unknown')
    expect(unknown.message).toBe(
      "cacheme: invalidateTags of 'items', 'more' may or may not have been applied: Redis node redis did not answer within 300 ms",
    )
    expect(unknown.cause).toBeInstanceOf(Error)
    expect(await client.peek([store.key({ id: '1' })])).toEqual(['missing'])
  } finally {
    await client.close()
  }
})

test('a closed client: outcome "not-applied"', async () => {
  const client = createClient({ redis: server.url, prefix: `tags-${randomUUID()}` })
  await client.close()
  const error = (await client.invalidateTags(['t']).then(
    () => undefined,
    (e: unknown) => e,
  )) as CacheUnavailableError
  expect(error).toBeInstanceOf(CacheUnavailableError)
  expect(error.outcome).toBe('not-applied')
  expect(error.message).toBe("cacheme: invalidateTags of 't' was not applied: the client is closed")
})

test('the top-level invalidateTags() works on the default client', async () => {
  const client = configure({ redis: server.url, prefix: `tags-${randomUUID()}` })
  try {
    const store = cached('d:<<id>>', ({ id }: { id: number }) => id, { tags: ['d'] })
    await store.getMany([{ id: 1 }, { id: 2 }])
    expect(await invalidateTags(['d'])).toBe(2)
    expect(await client.peek([store.key({ id: 1 }), store.key({ id: 2 })])).toEqual(['missing', 'missing'])
  } finally {
    configure()
    await client.close()
  }
})
