// fetchMany with the freshness options on a real standalone Redis: the batch's one call is bounded
// by fetchTimeout.hard like a lone fetch, and a lookup that finds another client's fill keeping
// an expired value gets that value as staleIfError's stand-in when the fill fails.
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { cached, createClient, FetchTimeoutError, type CacheOp, type Client } from 'cacheme'

describe('fetchMany with freshness options (standalone)', () => {
  const { standalone } = inject('redis')
  const clients: Client[] = []
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()))
  })
  const client = (prefix: string, ops: CacheOp[] = [], onOp?: (op: CacheOp) => void) => {
    const c = createClient({
      redis: standalone.url,
      prefix,
      logger: {
        log: (_s, _k, op) => {
          ops.push(op)
          onOp?.(op)
        },
      },
    })
    clients.push(c)
    return c
  }

  it("fetchTimeout.hard aborts fetchMany's signal, rejects its callers with FetchTimeoutError and releases the locks", async () => {
    const c = client(`bf-${randomUUID().slice(0, 8)}`)
    let signal: AbortSignal | undefined
    const store = cached('slow:<<id>>', ({ id }: { id: number }) => ({ id }), {
      ttl: '1m',
      fetchTimeout: { hard: '150ms' },
      client: c,
      fetchMany: (_list, ctx) => {
        signal = ctx.signal
        return new Promise<never>(() => {})
      },
    })
    const settled = await store.getMany([{ id: 1 }, { id: 2 }], { settle: true })
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected'])
    for (const s of settled) expect((s as PromiseRejectedResult).reason).toBeInstanceOf(FetchTimeoutError)
    expect(signal?.aborted).toBe(true)
    expect(await c.peek([store.key({ id: 1 }), store.key({ id: 2 })])).toEqual(['missing', 'missing'])
  })

  it("staleIfError: a lookup that finds another client's failing fill of an expired value gets the old value (STALE)", async () => {
    const prefix = `bf-${randomUUID().slice(0, 8)}`
    const aOps: CacheOp[] = []
    let waited!: () => void
    const aWaits = new Promise<void>((resolve) => {
      waited = resolve
    })
    const a = client(prefix, aOps, (op) => {
      if (op === 'WAIT') waited()
    })
    const b = client(prefix)
    const options = { ttl: '200ms', staleIfError: '1m' } as const
    const reader = cached('sie:<<id>>', ({ id }: { id: number }) => ({ id, by: 'a' }), {
      ...options,
      client: a,
      fetchMany: (list: { id: number }[]) => list.map(({ id }) => ({ id, by: 'a' })),
    })
    let started!: () => void
    const fetchStarted = new Promise<void>((resolve) => {
      started = resolve
    })
    let fail!: () => void
    const failing = new Promise<never>((_, reject) => {
      fail = () => reject(new Error('database down'))
    })
    const refresher = cached(
      'sie:<<id>>',
      () => {
        started()
        return failing
      },
      { ...options, client: b },
    )
    expect(await reader.get({ id: 1 })).toEqual({ id: 1, by: 'a' })
    await new Promise((resolve) => setTimeout(resolve, 250)) // past the ttl (time must pass)
    const refreshing = refresher.get({ id: 1 }) // b takes the lock, keeping the expired value in its marker
    await fetchStarted
    const read = reader.get({ id: 1 })
    await aWaits // a's lookup saw b's marker and waits on it (subscribed): only now does b's fetch fail
    fail()
    await expect(refreshing).resolves.toEqual({ id: 1, by: 'a' }) // b's own stand-in
    await expect(read).resolves.toEqual({ id: 1, by: 'a' })
    expect(aOps).toContain('STALE')
  })
})
