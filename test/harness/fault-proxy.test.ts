import { once } from 'node:events'
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { startFaultProxy, type FaultProxy } from './fault-proxy.js'
import { Redis, type RedisOptions } from './ioredis.js'

// Each fault proven with a raw ioredis client through the proxy; waits are on the proxy's own
// events (a chunk held, a connection accepted), never on a fixed sleep.

const { port: targetPort } = inject('redis').standalone
const key = (name: string) => `fault-proxy-test:${randomUUID()}:${name}`

/** A client that never retries or queues, so each fault shows as it is. */
function rawClient(port: number, extra: RedisOptions = {}): Redis {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, ...extra })
  redis.on('error', () => {}) // each test checks the failure it expects
  return redis
}

/** Whether `promise` is still pending once everything already queued has run. */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending')
  const result = await Promise.race([
    promise.then(
      () => 'settled',
      () => 'settled',
    ),
    new Promise((r) => setImmediate(() => r(marker))),
  ])
  return result === marker
}

describe('fault proxy', () => {
  let proxy: FaultProxy
  let direct: Redis
  const opened: Redis[] = []
  const client = (extra: RedisOptions = {}) => {
    const redis = rawClient(proxy.port, extra)
    opened.push(redis)
    return redis
  }

  beforeAll(async () => {
    proxy = await startFaultProxy(targetPort)
    direct = rawClient(targetPort)
    await direct.connect()
  })
  afterEach(() => {
    proxy.clear()
    for (const redis of opened.splice(0)) redis.disconnect()
  })
  afterAll(async () => {
    direct.disconnect()
    await proxy.close()
  })

  it('forwards commands unchanged when no fault is on', async () => {
    const redis = client()
    const k = key('plain')
    await redis.set(k, 'v')
    expect(await redis.get(k)).toBe('v')
    expect(proxy.connections()).toBe(1)
  })

  it('adds latency per chunk in one direction and keeps the byte order', async () => {
    const redis = client()
    await redis.connect()
    proxy.latency(150, 'toClient')
    const started = performance.now()
    expect(await redis.ping()).toBe('PONG')
    expect(performance.now() - started).toBeGreaterThanOrEqual(145)
    // Many commands in separate writes, each reply delayed: the replies must still arrive in
    // the order of the requests (ioredis would hand a reply to the wrong command otherwise).
    const k = key('order')
    const replies: Promise<number>[] = []
    for (let i = 0; i < 30; i++) {
      replies.push(redis.incr(k))
      await new Promise((r) => setImmediate(r)) // a separate write per command
    }
    expect(await Promise.all(replies)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    proxy.latency(0)
    // Without latency again (the fastest of three pings, so a busy machine does not decide it).
    let fastest = Infinity
    for (let i = 0; i < 3; i++) {
      const fast = performance.now()
      await redis.ping()
      fastest = Math.min(fastest, performance.now() - fast)
    }
    expect(fastest).toBeLessThan(145)
  })

  it('limits bandwidth in one direction: a big reply trickles in, in order, intact', async () => {
    const redis = client()
    await redis.connect()
    const k = key('big')
    const value = Buffer.alloc(400_000, 7)
    await direct.set(k, value)
    proxy.bandwidth(1_000_000, 'toClient')
    let slices = 0
    const count = (direction: string) => {
      if (direction === 'toClient') slices++
    }
    proxy.events.on('forwarded', count)
    const started = performance.now()
    const read = await redis.getBuffer(k)
    proxy.events.off('forwarded', count)
    // 400 kB at 1 MB/s: at least 0.4 s, in slices of 20 kB (1/50 s each).
    expect(performance.now() - started).toBeGreaterThanOrEqual(390)
    expect(slices).toBeGreaterThanOrEqual(20)
    expect(read?.equals(value)).toBe(true)
    proxy.bandwidth(0)
    expect(await redis.ping()).toBe('PONG')
  })

  it('stalls replies: the command stays pending until resume, then completes', async () => {
    const redis = client()
    await redis.connect()
    const k = key('stall-down')
    proxy.stall('toClient')
    const held = once(proxy.events, 'held')
    const reply = redis.set(k, 'v')
    const [direction] = await held
    expect(direction).toBe('toClient')
    // The server did the write (requests pass), the reply is held.
    expect(await direct.get(k)).toBe('v')
    expect(await isPending(reply)).toBe(true)
    proxy.resume()
    expect(await reply).toBe('OK')
  })

  it('stalls requests: the server sees nothing until resume', async () => {
    const redis = client()
    await redis.connect()
    const k = key('stall-up')
    proxy.stall('toServer')
    const held = once(proxy.events, 'held')
    const reply = redis.set(k, 'v')
    expect((await held)[0]).toBe('toServer')
    expect(await direct.get(k)).toBeNull()
    expect(await isPending(reply)).toBe(true)
    proxy.resume('toServer')
    expect(await reply).toBe('OK')
    expect(await direct.get(k)).toBe('v')
  })

  it('a stalled command times out on the client side and the socket stays open', async () => {
    const redis = client({ commandTimeout: 100 })
    await redis.connect()
    proxy.stall()
    await expect(redis.ping()).rejects.toThrow(/Command timed out/)
    expect(redis.status).toBe('ready')
    expect(proxy.connections()).toBe(1)
  })

  it('drop closes new connections and keeps open ones', async () => {
    const open = client()
    await open.connect()
    proxy.drop()
    const dropped = once(proxy.events, 'dropped')
    const fresh = client()
    const connecting = fresh.connect()
    await dropped
    await expect(connecting).rejects.toThrow(/Connection is closed|ECONNRESET|closed/)
    expect(await open.ping()).toBe('PONG')
    proxy.drop(false)
    const again = client()
    expect(await again.ping()).toBe('PONG')
  })

  it('reset sends RST on every open connection', async () => {
    const a = client()
    const b = client()
    await Promise.all([a.connect(), b.connect()])
    const errors = Promise.all([a, b].map((r) => once(r, 'error').then(([e]) => (e as NodeJS.ErrnoException).code)))
    // (not events.once: it rejects when 'error' comes first)
    const closed = Promise.all([a, b].map((r) => new Promise((resolve) => r.once('close', resolve))))
    proxy.reset()
    expect(await errors).toEqual(['ECONNRESET', 'ECONNRESET'])
    await closed
    expect(proxy.connections()).toBe(0)
  })

  it('blackhole accepts a connection and never answers it', async () => {
    proxy.blackhole()
    const accepted = once(proxy.events, 'blackholed')
    const swallowed = once(proxy.events, 'swallowed')
    // No ready check: it would wait for an INFO reply that never comes.
    const redis = client({ commandTimeout: 150, enableReadyCheck: false })
    const ping = redis.ping() // connects: the TCP handshake succeeds
    await accepted
    expect((await swallowed)[0]).toBeGreaterThan(0)
    await expect(ping).rejects.toThrow(/Command timed out/)
    proxy.blackhole(false)
    const fresh = client()
    expect(await fresh.ping()).toBe('PONG')
  })
})
