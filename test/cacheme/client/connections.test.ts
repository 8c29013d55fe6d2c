import { randomUUID } from 'node:crypto'
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { inject } from 'vitest'
import { Redis as IORedis5 } from 'ioredis5'
import { CacheUnavailableError, cached, createClient, type Client } from 'cacheme'
import { Redis } from '../../harness/ioredis.js'
import { startRedisServer, type RedisServer } from '../../harness/redis-server.js'

const { port } = inject('redis').standalone

describe('instances: any copy of ioredis is used as it is, never read as options', () => {
  test("an ioredis 5 instance (another copy than the runtime's) reads and writes the server it points at", async () => {
    const theirs = new IORedis5(port, '127.0.0.1')
    const client = createClient({ redis: theirs as never, prefix: `other-copy-${randomUUID()}` })
    try {
      expect(client.description).toBe('redis (your ioredis instance)')
      const store = cached('copy:<<id>>', ({ id }: { id: string }) => `value ${id}`, { client })
      expect(await store.get({ id: '1' })).toBe('value 1')
      expect(await theirs.exists(store.key({ id: '1' }))).toBe(1)
      expect(await store.get({ id: '1' })).toBe('value 1')
    } finally {
      await client.close()
      expect(theirs.status).toBe('ready') // the user's instance stays open
      theirs.disconnect()
    }
  })

  test('something with client methods that is not ioredis is refused with a clear error', () => {
    const nodeRedisLike = { connect() {}, get() {}, set() {}, sendCommand() {} }
    expect(() => createClient({ redis: nodeRedisLike as never })).toThrow(
      /'redis' is a object with methods but not an ioredis Redis or Cluster \(it lacks callBuffer, pipeline or duplicate\)/,
    )
  })

  test("ioredis's keyPrefix is refused, with the prefix option to use instead", () => {
    const withPrefix = new Redis(port, '127.0.0.1', { lazyConnect: true, keyPrefix: 'app:' })
    try {
      expect(() => createClient({ redis: withPrefix })).toThrow(
        /your ioredis instance set keyPrefix "app:".*createClient\(\{ prefix: "app" \}\)/,
      )
      expect(() => createClient({ redis: { port, keyPrefix: 'app:' } })).toThrow(/the 'redis' options set keyPrefix "app:"/)
    } finally {
      withPrefix.disconnect()
    }
  })
})

describe('writes with an unknown outcome', () => {
  let server: RedisServer
  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterAll(() => server.stop())

  test('a write Redis applied but did not answer in time rejects with outcome "unknown", naming store, key and cause', async () => {
    const client = createClient({ redis: server.url, prefix: `outcome-${randomUUID()}`, timeout: 300 })
    const raw = new Redis(server.port, '127.0.0.1')
    try {
      const store = cached('item:<<id>>', ({ id }: { id: string }) => `fetched ${id}`, { client })
      await store.get({ id: '1' })
      await store.set({ id: '2' }, 'the server knows the set script now') // so the paused set is one EVALSHA
      server.pause()
      let error: unknown
      try {
        error = await store.set({ id: '1' }, 'written while paused').then(
          () => undefined,
          (e: unknown) => e,
        )
      } finally {
        server.resume()
      }
      expect(error).toBeInstanceOf(CacheUnavailableError)
      const unknown = error as CacheUnavailableError
      expect(unknown.outcome).toBe('unknown')
      expect(unknown.store).toBe('item:<<id>>')
      expect(unknown.key).toBe('item:1:v1')
      expect(unknown.message).toBe(
        "cacheme: set of 'item:1:v1' in store 'item:<<id>>' may or may not have been applied: Redis node redis did not answer within 300 ms",
      )
      // It was applied once the server went on (the lookup queues behind it on the same
      // connection): what the docs tell callers to expect.
      expect(await store.get({ id: '1' })).toBe('written while paused')
    } finally {
      raw.disconnect()
      await client.close()
    }
  })

  test('a write that never reached Redis (node skipped after failures) rejects with outcome "not-applied"', async () => {
    const own = await startRedisServer()
    const client = createClient({ redis: own.url, prefix: `outcome-${randomUUID()}`, timeout: 300 })
    try {
      const store = cached('item:<<id>>', ({ id }: { id: string }) => `fetched ${id}`, { client })
      await store.get({ id: '1' })
      await own.stop()
      const first = await store.invalidate({ id: '1' }).then(
        () => undefined,
        (e: unknown) => e as CacheUnavailableError,
      )
      expect(first).toBeInstanceOf(CacheUnavailableError)
      const second = await store.invalidate({ id: '1' }).then(
        () => undefined,
        (e: unknown) => e as CacheUnavailableError,
      )
      expect(second?.outcome).toBe('not-applied')
      expect(second?.message).toMatch(/^cacheme: invalidate of 'item:1:v1' in store 'item:<<id>>' was not applied: Redis node redis /)
    } finally {
      await client.close()
      await own.stop()
    }
  })
})

describe('secrets never show', () => {
  const passwords = ['with/slash-4711', 'with@at-and:colon', 'p%25ct-and#hash']
  const servers: { server: RedisServer; password: string }[] = []
  beforeAll(async () => {
    for (const password of passwords) servers.push({ server: await startRedisServer({ password }), password })
  })
  afterAll(async () => {
    for (const { server } of servers) await server.stop()
  })

  function everythingAbout(client: Client | undefined, error: unknown, lines: string[]): string {
    const parts = [...lines]
    if (client) parts.push(client.description, inspect(client, { depth: 10, showHidden: true }))
    if (error !== undefined) {
      parts.push(String(error), inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error, Object.getOwnPropertyNames(error)))
      const cause = (error as Error).cause
      if (cause !== undefined)
        parts.push(inspect(cause, { depth: 10, showHidden: true }), JSON.stringify(cause, Object.getOwnPropertyNames(cause)))
    }
    return parts.join('\n')
  }

  test("a wrong password is named as such in the fallback's ERROR detail and in a rejected write", async () => {
    const { server, password } = servers[0]!
    const details: string[] = []
    const client = createClient({
      redis: { port: server.port, password: 'not-the-password' },
      prefix: 'pw',
      logger: {
        log: (_s, _k, op, detail) => {
          if (op === 'ERROR') details.push(detail?.error?.message ?? '')
        },
      },
    })
    try {
      expect(await cached('auth:<<id>>', () => 'fetched', { client }).get({ id: '1' })).toBe('fetched')
      expect(details[0]).toMatch(/Redis refused the credentials: WRONGPASS/)
      const error = await cached('auth:<<id>>', () => 'fetched', { client })
        .set({ id: '1' }, 'x')
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        )
      expect(error?.message).toMatch(/was not applied: .*Redis refused the credentials: WRONGPASS/)
      expect(details.join('\n') + error?.message).not.toContain(password)
    } finally {
      await client.close()
    }
  })

  test.each(passwords)(
    'password %j: in a URL (encoded or not), options, wrong ones: never in description, errors, inspect or logger lines',
    async (password) => {
      const { server } = servers[passwords.indexOf(password)]!
      const encoded = `redis://:${encodeURIComponent(password)}@127.0.0.1:${server.port}`
      const raw = `redis://:${password}@127.0.0.1:${server.port}`
      const lines: string[] = []
      const logger = {
        log: (...args: unknown[]) => {
          lines.push(inspect(args, { depth: 10 }))
        },
      }

      // The encoded URL works; nothing about it shows the password.
      const client = createClient({ redis: `${encoded}/0?password=${encodeURIComponent(password)}`, prefix: 'pw', logger })
      try {
        const store = cached('secret:<<id>>', ({ id }: { id: string }) => id, { client })
        expect(await store.get({ id: '1' })).toBe('1')
        expect(client.description).toBe(`redis://:***@127.0.0.1:${server.port}/0`)
        expect(everythingAbout(client, undefined, lines)).not.toContain(password)
      } finally {
        await client.close()
      }

      // The raw URL is either refused (invalid) or works; its error never holds the password.
      let refused: unknown
      let rawClient: Client | undefined
      try {
        rawClient = createClient({ redis: raw, prefix: 'pw', logger })
        await cached('secret:<<id>>', ({ id }: { id: string }) => id, { client: rawClient }).get({ id: '2' })
      } catch (error) {
        refused = error
      } finally {
        await rawClient?.close()
      }
      expect(everythingAbout(rawClient, refused, lines)).not.toContain(password)
      expect(everythingAbout(rawClient, refused, lines)).not.toContain(encodeURIComponent(password))

      // Options and a wrong password: the fallback logs ERROR with a reason, and no password anywhere.
      const wrong = createClient({ redis: { port: server.port, password: `${password}-wrong` }, prefix: 'pw', logger })
      const errors: unknown[] = []
      const withDetail = createClient({
        redis: { port: server.port, password: `${password}-wrong` },
        prefix: 'pw',
        logger: {
          log: (_s, _k, op, detail) => {
            if (op === 'ERROR') errors.push(detail?.error)
          },
        },
      })
      try {
        expect(await cached('secret:<<id>>', () => 'fetched', { client: wrong }).get({ id: '3' })).toBe('fetched')
        const failure = await cached('secret:<<id>>', () => 'fetched', { client: withDetail })
          .set({ id: '3' }, 'x')
          .then(
            () => undefined,
            (e: unknown) => e,
          )
        expect(failure).toBeInstanceOf(CacheUnavailableError)
        await cached('secret:<<id>>', () => 'fetched', { client: withDetail }).get({ id: '4' })
        expect(errors.length).toBeGreaterThan(0)
        const text = everythingAbout(wrong, failure, lines) + errors.map((e) => inspect(e, { depth: 10, showHidden: true })).join('\n')
        expect(text).not.toContain(password)
      } finally {
        await wrong.close()
        await withDetail.close()
      }
    },
  )
})
