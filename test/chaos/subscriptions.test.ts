// "No lock key, subscription or timer outlives the operation that made it", across a connection
// drop: 20 waiters are subscribed (another client holds the 20 keys' locks), the waiters' link is
// reset and refused for a while (their client's operations fail), then comes back. Once every
// waiter has settled, no channel may stay subscribed on the server (issue 10, defect 5: ioredis
// re-subscribes them on reconnect and nothing unsubscribes).
import { once } from 'node:events'
import { randomUUID } from 'node:crypto'
import { cached, createClient } from 'cacheme'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js'
import { Redis } from '../harness/ioredis.js'
import { startRedisServer, type RedisServer } from '../harness/redis-server.js'
import { timed } from './support/stores.js'

const WAITERS = 20

/** Subscriptions on the server: the sum of CLIENT LIST's sub + psub + ssub over every connection. */
async function subscriptions(admin: Redis): Promise<number> {
  const list = (await admin.client('LIST')) as string
  let total = 0
  for (const line of list.split('\n')) {
    for (const field of ['sub', 'psub', 'ssub']) {
      const match = new RegExp(`(?:^| )${field}=(\\d+)`).exec(line)
      if (match) total += Number(match[1])
    }
  }
  return total
}

/** Polls the server (bounded) until `check` holds; returns the last value seen. */
async function pollServer(what: string, timeoutMs: number, read: () => Promise<number>, check: (n: number) => boolean): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let last = await read()
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${last} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
    last = await read()
  }
  return last
}

/**
 * Waits (bounded) until the proxy holds `count` connections again, on its 'connection' events.
 * A client that does not reconnect a connection cannot re-subscribe on it, so running out of
 * time here is not a failure.
 */
async function reconnections(proxy: FaultProxy, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (proxy.connections() < count && Date.now() < deadline) {
    const timer = new Promise((resolve) => setTimeout(resolve, deadline - Date.now()))
    await Promise.race([once(proxy.events, 'connection'), timer])
  }
}

describe('subscriptions after a connection drop', () => {
  let server: RedisServer
  let proxy: FaultProxy
  let admin: Redis
  beforeAll(async () => {
    server = await startRedisServer()
    proxy = await startFaultProxy(server.port)
    admin = new Redis(server.url)
  })
  afterAll(async () => {
    admin.disconnect()
    await proxy.close()
    await server.stop()
  })

  it('no subscription outlives its waiter', async () => {
    const prefix = `chaos-${randomUUID().slice(0, 8)}`
    const name = 'subs'
    const lock = { ttl: '10s', wait: '2s' }
    const timeout = 300
    const holderClient = createClient({ redis: server.url, prefix, timeout })
    const waiterClient = createClient({ redis: proxy.url, prefix, timeout })
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let holding = 0
    let allHeld!: () => void
    const held = new Promise<void>((resolve) => {
      allHeld = resolve
    })
    const holderStore = cached(
      'sub:<<id>>',
      async ({ id }: { id: number }) => {
        if (++holding === WAITERS) allHeld()
        await gate
        return { id, by: 'holder' }
      },
      { ttl: 3600, client: holderClient, name, lock },
    )
    const waiterStore = cached('sub:<<id>>', ({ id }: { id: number }) => ({ id, by: 'waiter' }), {
      ttl: 3600,
      client: waiterClient,
      name,
      lock,
    })
    const ids = Array.from({ length: WAITERS }, (_, i) => i)
    try {
      const holders = Promise.all(ids.map((id) => holderStore.get({ id })))
      await timed('the holder taking every lock', 5000, () => held)
      const waiters = Promise.allSettled(ids.map((id) => waiterStore.get({ id })))
      await pollServer(
        'waiters subscribing',
        5000,
        () => subscriptions(admin),
        (n) => n >= WAITERS,
      )

      const connectionsBefore = proxy.connections()
      // The drop: every connection of the waiters' client is reset, reconnects are refused.
      proxy.drop()
      proxy.reset()
      release()
      await holders
      const settled = (await timed('the waiters settling', 10_000, () => waiters)).value
      expect(settled.every((s) => s.status === 'fulfilled')).toBe(true)

      // The link comes back; the client reconnects (its next operation, and ioredis's own
      // reconnect of a subscriber connection, which re-subscribes what it still tracks).
      proxy.drop(false)
      await waiterStore.get({ id: 999 })
      await reconnections(proxy, connectionsBefore, 5000)
      // An absence can only be watched for a while: 1 s of CLIENT LIST after the reconnect.
      const watchUntil = Date.now() + 1000
      while (Date.now() < watchUntil) {
        expect(await subscriptions(admin), 'subscriptions on the server after every waiter settled').toBe(0)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    } finally {
      release()
      await Promise.all([holderClient.close(), waiterClient.close()])
    }
  })
})
