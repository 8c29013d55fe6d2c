// The local tier with the other wave-2 features on a real standalone Redis: a value with
// freshness metadata stays local only while fresh (past it, STALE and one background refresh
// come from Redis's copy), invalidateTags drops this process's copies before it resolves, and
// getMany serves local copies too.
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { cached, createClient, type Client } from 'cacheme'
import { opLog, tierOf, until, warmLocal } from './helpers.js'

describe('local tier with freshness, tags and getMany (standalone)', () => {
  const { standalone } = inject('redis')
  const clients: Client[] = []
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()))
  })
  const prefixes = new Map<Client, string>()
  const coreOfPrefix = (c: Client) => prefixes.get(c)!
  const client = () => {
    const log = opLog()
    const prefix = `localx-${randomUUID().slice(0, 8)}`
    const c = createClient({ redis: standalone.url, prefix, local: true, logger: log.logger })
    clients.push(c)
    prefixes.set(c, prefix)
    return { client: c, log }
  }

  it('a staleWhileRevalidate value is served locally while fresh; past its ttl, STALE from Redis and one background refresh', async () => {
    const { client: c, log } = client()
    let fetches = 0
    const store = cached('swr:<<id>>', ({ id }: { id: number }) => ({ id, n: ++fetches }), {
      ttl: '400ms',
      staleWhileRevalidate: '1m',
      client: c,
    })
    await warmLocal(() => store.get({ id: 1 }), log)
    expect(await store.get({ id: 1 })).toEqual({ id: 1, n: 1 })
    // Past the ttl the local copy is gone (kept at most until fresh-until): the next get reads
    // Redis, which still holds the value inside its window, and serves it as STALE.
    await until(
      'the value goes stale',
      async () => {
        const before = log.ops.length
        const value = await store.get({ id: 1 })
        const ops = log.ops.slice(before)
        if (ops.includes('STALE')) expect(value).toEqual({ id: 1, n: 1 })
        return ops.includes('STALE')
      },
      5000,
    )
    await until('the background refresh stored the new value', async () => (await store.get({ id: 1 })).n === 2)
    expect(fetches).toBe(2)
  })

  it("invalidateTags drops this process's local copies before it resolves", async () => {
    const { client: c, log } = client()
    let fetches = 0
    const store = cached('tagged:<<author>>:<<id>>', ({ id }: { author: number; id: number }) => ({ id, n: ++fetches }), {
      ttl: '1m',
      tags: ['author:<<author>>'],
      client: c,
    })
    await warmLocal(() => store.get({ author: 7, id: 1 }), log)
    expect(await c.invalidateTags(['author:7'])).toBe(1)
    const before = log.ops.length
    expect(await store.get({ author: 7, id: 1 })).toEqual({ id: 1, n: 2 })
    expect(log.ops.slice(before)).not.toContain('LOCAL')
  })

  it('getMany serves the local copies (no round trip) and reads the rest', async () => {
    const { client: c, log } = client()
    const store = cached('many:<<id>>', ({ id }: { id: number }) => ({ id }), { ttl: '1m', client: c })
    await warmLocal(() => store.get({ id: 1 }), log)
    const before = log.ops.length
    expect(await store.getMany([{ id: 1 }, { id: 2 }, { id: 1 }])).toEqual([{ id: 1 }, { id: 2 }, { id: 1 }])
    const ops = log.ops.slice(before)
    expect(ops).toContain('LOCAL')
    expect(ops).toContain('FETCH')
  })

  it("a value served locally is never joined by a later call: after another client's write, getMany and getP read the new value", async () => {
    const { client: c, log } = client()
    const writer = createClient({ redis: standalone.url, prefix: coreOfPrefix(c) })
    clients.push(writer)
    const read = cached('joined:<<id>>', ({ id }: { id: number }) => ({ id, v: 'fetched' }), { ttl: '1m', client: c })
    const write = cached('joined:<<id>>', ({ id }: { id: number }) => ({ id, v: 'writer fetched' }), { ttl: '1m', client: writer })
    await warmLocal(() => read.get({ id: 1 }), log)
    expect(await read.getMany([{ id: 1 }])).toEqual([{ id: 1, v: 'fetched' }])
    // No lookup is sent by the reader from here on until the write's invalidation arrives.
    await write.set({ id: 1 }, { id: 1, v: 'written' })
    await until('the invalidation reached the reader', () => tierOf(c).size === 0)
    expect(await read.getMany([{ id: 1 }])).toEqual([{ id: 1, v: 'written' }])
    const pipeline = c.pipeline()
    const viaP = read.getP(pipeline, { id: 1 })
    await pipeline.execute()
    expect(await viaP).toEqual({ id: 1, v: 'written' })
  })
})
