// The local tier on a real standalone Redis: hits that send nothing, and every kind of change
// reaching the reader (another process, raw commands, eviction, FLUSHALL, lost connections).
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { cached, createClient, type Client } from 'cacheme'
import { createAclUser } from '../../harness/acl.js'
import { startChildren, type Child } from '../../harness/children.js'
import { startCountingProxy } from '../../harness/counting-proxy.js'
import { startFaultProxy } from '../../harness/fault-proxy.js'
import { Redis } from '../../harness/ioredis.js'
import { startRedisServer, type RedisServer } from '../../harness/redis-server.js'
import { opLog, tierOf, until, warmLocal } from './helpers.js'

const CHILD = new URL('./writer-child.mjs', import.meta.url)

interface Item {
  id: number
  by: string
}

function readerOf(url: string, local: unknown = true) {
  const prefix = `local-${randomUUID().slice(0, 8)}`
  const log = opLog()
  const client = createClient({ redis: url, prefix, local: local as boolean, logger: log.logger })
  let fetches = 0
  const store = cached('item:<<id>>', ({ id }: { id: number }): Item => ({ id, by: `fetch ${++fetches}` }), { ttl: '1m', client })
  return { prefix, log, client, store, fetches: () => fetches }
}

describe('local tier (standalone)', () => {
  const { standalone } = inject('redis')
  const clients: Client[] = []
  let raw: InstanceType<typeof Redis>
  beforeAll(() => {
    raw = new Redis(standalone.url)
  })
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()))
    raw.disconnect()
  })
  const reader = (url = standalone.url, local: unknown = true) => {
    const r = readerOf(url, local)
    clients.push(r.client)
    return r
  }

  it('serves hits from process memory without sending a command', async () => {
    const proxy = await startCountingProxy(standalone.port)
    try {
      const r = reader(`redis://127.0.0.1:${proxy.port}`)
      await warmLocal(() => r.store.get({ id: 1 }), r.log)
      proxy.reset()
      const before = r.log.ops.length
      for (let i = 0; i < 100; i++) expect(await r.store.get({ id: 1 })).toEqual({ id: 1, by: 'fetch 1' })
      expect(r.log.ops.slice(before)).toEqual(new Array(100).fill('LOCAL'))
      expect(proxy.roundTrips()).toBe(0)
      expect(r.client.stats().total.localHits).toBeGreaterThanOrEqual(100)
    } finally {
      await proxy.close()
    }
  })

  it('hands out a fresh copy by default, and one instance under shared: true', async () => {
    const copies = reader()
    await warmLocal(() => copies.store.get({ id: 1 }), copies.log)
    const a = await copies.store.get({ id: 1 })
    a.by = 'mutated'
    expect(await copies.store.get({ id: 1 })).toEqual({ id: 1, by: 'fetch 1' })
    // Every value handed out is mutated, the one of the read that filled the tier included.
    for (let i = 0; i < 50; i++) {
      const before = copies.log.ops.length
      const value = await copies.store.get({ id: 9 })
      value.by = 'mutated'
      if (copies.log.ops.slice(before).includes('LOCAL')) break
    }
    expect(await copies.store.get({ id: 9 })).toEqual({ id: 9, by: 'fetch 2' })
    const shared = reader(standalone.url, { shared: true })
    await warmLocal(() => shared.store.get({ id: 1 }), shared.log)
    expect(await shared.store.get({ id: 1 })).toBe(await shared.store.get({ id: 1 }))
  })

  it('a store with local: false reads Redis every time; getMany and getP are served locally too', async () => {
    const r = reader()
    const off = cached('off:<<id>>', ({ id }: { id: number }) => ({ id }), { ttl: '1m', client: r.client, local: false })
    await off.get({ id: 1 })
    await off.get({ id: 1 })
    const before = r.log.ops.length
    await off.get({ id: 1 })
    await off.get({ id: 1 })
    expect(r.log.ops.slice(before)).toEqual(['HIT', 'HIT'])
    await warmLocal(() => r.store.get({ id: 2 }), r.log)
    const mark = r.log.ops.length
    expect(await r.store.getMany([{ id: 2 }, { id: 2 }])).toEqual([
      { id: 2, by: 'fetch 1' },
      { id: 2, by: 'fetch 1' },
    ])
    const pipeline = r.client.pipeline()
    const viaP = r.store.getP(pipeline, { id: 2 })
    await pipeline.execute()
    expect(await viaP).toEqual({ id: 2, by: 'fetch 1' })
    expect(r.log.ops.slice(mark)).toEqual(['LOCAL', 'LOCAL'])
  })

  it("this process's own writes drop the local copy before they resolve", async () => {
    const r = reader()
    await warmLocal(() => r.store.get({ id: 3 }), r.log)
    await r.store.set({ id: 3 }, { id: 3, by: 'set' })
    expect(await r.store.get({ id: 3 })).toEqual({ id: 3, by: 'set' })
    await warmLocal(() => r.store.get({ id: 3 }), r.log)
    await r.store.invalidate({ id: 3 })
    expect((await r.store.get({ id: 3 })).by).toMatch(/^fetch/)
    await warmLocal(() => r.store.get({ id: 3 }), r.log)
    const refreshed = await r.store.refresh({ id: 3 })
    expect(await r.store.get({ id: 3 })).toEqual(refreshed)
    await warmLocal(() => r.store.get({ id: 3 }), r.log)
    await r.store.invalidateAll()
    expect(await r.store.get({ id: 3 })).not.toEqual(refreshed)
  })

  it('writes by another process reach the reader', async () => {
    const r = reader()
    const [writer] = (await startChildren(1, CHILD, { env: { REDIS_URL: standalone.url, PREFIX: r.prefix } })) as [Child]
    try {
      await warmLocal(() => r.store.get({ id: 4 }), r.log)
      await writer.request('set', { id: 4, value: { id: 4, by: 'other process' } })
      await until("the other process's set is seen", async () => (await r.store.get({ id: 4 })).by === 'other process')
      await warmLocal(() => r.store.get({ id: 4 }), r.log)
      await writer.request('invalidate', { id: 4 })
      await until("the other process's invalidate is seen", async () => (await r.store.get({ id: 4 })).by !== 'other process')
    } finally {
      await writer.exit()
    }
  })

  it('raw SET, DEL and EXPIRE from another client reach the reader', async () => {
    const r = reader()
    const key = r.store.key({ id: 5 })
    await warmLocal(() => r.store.get({ id: 5 }), r.log)
    await raw.del(key)
    await until('DEL is seen', async () => (await r.store.get({ id: 5 })).by === 'fetch 2')
    await warmLocal(() => r.store.get({ id: 5 }), r.log)
    await raw.set(key, 'not a frame')
    await until('SET is seen', async () => (await r.store.get({ id: 5 })).by === 'fetch 3')
    await warmLocal(() => r.store.get({ id: 5 }), r.log)
    await raw.pexpire(key, 1)
    await until('EXPIRE is seen', async () => (await r.store.get({ id: 5 })).by === 'fetch 4')
  })

  it('keeps no reply that raced its invalidation (the placeholder)', async () => {
    const proxy = await startFaultProxy(standalone.port)
    try {
      const r = reader(proxy.url)
      const key = r.store.key({ id: 6 })
      await warmLocal(() => r.store.get({ id: 6 }), r.log)
      await raw.del(key) // the tier drops it; the next read goes to Redis
      await until('DEL is seen', async () => (await r.store.get({ id: 6 })).by === 'fetch 2')
      await r.store.invalidate({ id: 6 })
      await r.store.get({ id: 6 }) // fetch 3 stored; its read now goes out with a ticket
      // The GET's reply will be held, then delayed 300 ms more; what comes after it on another
      // connection (the invalidation) is not delayed, so it arrives first: the documented race.
      proxy.latency(300, 'toClient')
      proxy.stall('toClient')
      const held = once(proxy.events, 'held')
      const read = r.store.get({ id: 6 })
      await held // the GET's reply (fetch 3) left the server and is held
      proxy.latency(0, 'toClient')
      // A write lands between the read's send and its reply: its invalidation is held too.
      const heldInvalidation = once(proxy.events, 'held')
      await raw.set(key, 'changed')
      await heldInvalidation
      proxy.resume('toClient')
      expect((await read).by).toBe('fetch 3') // it started before the write: that is allowed
      await until('the raced reply is not served', async () => (await r.store.get({ id: 6 })).by === 'fetch 4')
    } finally {
      await proxy.close()
    }
  })

  it('bounds the tier by entries and by bytes', async () => {
    const few = reader(standalone.url, { maxEntries: 3 })
    for (let round = 0; round < 3; round++) for (let id = 0; id < 10; id++) await few.store.get({ id })
    expect(tierOf(few.client).size).toBeLessThanOrEqual(3)
    expect(tierOf(few.client).size).toBeGreaterThan(0)
    const small = reader(standalone.url, { maxBytes: 2000 })
    const big = cached('big:<<id>>', ({ id }: { id: number }) => 'x'.repeat(400) + id, { ttl: '1m', client: small.client })
    for (let round = 0; round < 3; round++) for (let id = 0; id < 20; id++) await big.get({ id })
    expect(tierOf(small.client).bytes).toBeLessThanOrEqual(2000)
    expect(tierOf(small.client).size).toBeGreaterThan(0)
  })

  it("keeps a value locally no longer than the store's local ttl", async () => {
    const r = reader()
    const short = cached('short:<<id>>', ({ id }: { id: number }) => ({ id }), { ttl: '1m', client: r.client, local: { ttl: '50ms' } })
    await warmLocal(() => short.get({ id: 1 }), r.log)
    await until(
      'the local copy expires',
      async () => {
        const before = r.log.ops.length
        await short.get({ id: 1 })
        return r.log.ops[before] === 'HIT'
      },
      1000,
    )
  })

  describe('on a private server', () => {
    let server: RedisServer
    beforeAll(async () => {
      server = await startRedisServer({ args: ['--maxmemory', '4mb', '--maxmemory-policy', 'allkeys-lru'] })
    })
    afterAll(async () => {
      await server.stop()
    })

    it('eviction (maxmemory) and FLUSHALL reach the reader', async () => {
      const r = reader(server.url)
      const key = r.store.key({ id: 7 })
      const filler = new Redis(server.url)
      try {
        await warmLocal(() => r.store.get({ id: 7 }), r.log)
        const blob = 'x'.repeat(10_000)
        for (let i = 0; (await filler.exists(key)) === 1; i++) await filler.set(`fill:${i}`, blob)
        await until('the eviction is seen', async () => (await r.store.get({ id: 7 })).by === 'fetch 2')
        await warmLocal(() => r.store.get({ id: 7 }), r.log)
        await filler.flushall()
        await until('FLUSHALL is seen', async () => (await r.store.get({ id: 7 })).by === 'fetch 3')
      } finally {
        filler.disconnect()
      }
    })

    it('CLIENT KILL of either connection empties the tier before a write it could not hear of', async () => {
      const r = reader(server.url)
      const key = r.store.key({ id: 8 })
      const admin = new Redis(server.url)
      try {
        for (const which of ['invalidations', 'data'] as const) {
          await warmLocal(() => r.store.get({ id: 8 }), r.log)
          const fetched = r.fetches()
          const list = (await admin.client('LIST')) as string
          const line = list.split('\n').find((l) => (which === 'data' ? / flags=t/.test(l) : /name=cacheme:invalidations/.test(l)))!
          const id = /id=(\d+)/.exec(line)![1]!
          // The kill and the write in one transaction: the invalidation can't reach this client.
          await admin.multi().client('KILL', 'ID', id).del(key).exec()
          await until(
            `a write after killing the ${which} connection is seen`,
            async () => (await r.store.get({ id: 8 })).by === `fetch ${fetched + 1}`,
          )
        }
      } finally {
        admin.disconnect()
      }
    })
  })

  it('a Redis user that may not SUBSCRIBE: one ERROR, the tier stays empty, gets read Redis', async () => {
    const server = await startRedisServer()
    try {
      const user = await createAclUser(server, 'no-subscribe')
      const r = reader(user.url)
      await until('the refusal is logged', async () => {
        await r.store.get({ id: 1 })
        return r.log.ops.includes('ERROR')
      })
      for (let i = 0; i < 5; i++) expect(await r.store.get({ id: 1 })).toEqual({ id: 1, by: 'fetch 1' })
      expect(r.log.ops).not.toContain('LOCAL')
      expect(r.log.ops.filter((op) => op === 'ERROR')).toHaveLength(1)
      await r.client.close()
    } finally {
      await server.stop()
    }
  })

  it('a closed client behaves as without the tier', async () => {
    const outcome = async (local: boolean) => {
      const r = readerOf(standalone.url, local)
      await r.store.get({ id: 1 })
      await r.client.close()
      return r.store.get({ id: 1 }).then(
        (value) => ({ value }),
        (error: Error) => ({ error: error.message }),
      )
    }
    expect(await outcome(true)).toEqual(await outcome(false))
  })

  it('validates its options, naming the bad value', () => {
    expect(() => createClient({ local: { maxEntries: 0 } })).toThrow(/local\.maxEntries must be an integer >= 1, got number 0/)
    expect(() => createClient({ local: { maxBytes: 'lots' } })).toThrow(/local\.maxBytes .* got "lots"/)
    expect(() => createClient({ local: { ttl: 'soon' } })).toThrow(/local\.ttl "soon" is not a duration/)
    expect(() => createClient({ local: { shared: 'yes' as never } })).toThrow(/local\.shared must be true or false, got "yes"/)
    expect(() => createClient({ local: { maxEntry: 3 } as never })).toThrow(/unknown local option 'maxEntry'.*did you mean 'maxEntries'/)
    expect(() => createClient({ local: 'on' as never })).toThrow(/local options of createClient\(\) must be an object/)
    expect(() => cached('v:<<id>>', () => 1, { local: true as never })).toThrow(
      /local of 'v:<<id>>' must be false or \{ ttl \}, got boolean true/,
    )
    expect(() => cached('v:<<id>>', () => 1, { local: { ttl: 0 } })).toThrow(/local\.ttl of 'v:<<id>>' must be greater than 0/)
    expect(() => cached('v:<<id>>', () => 1, { local: { tll: '1s' } as never })).toThrow(/unknown local option 'tll'/)
  })

  it('is accepted on the memory backend and changes nothing', async () => {
    const log = opLog()
    const client = createClient({ local: true, logger: log.logger })
    clients.push(client)
    const store = cached('m:<<id>>', ({ id }: { id: number }) => ({ id }), { client, local: { ttl: '1s' } })
    await store.get({ id: 1 })
    await store.get({ id: 1 })
    expect(log.ops).toEqual(['MISS', 'FETCH', 'HIT'])
  })
})
