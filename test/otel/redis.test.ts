// @cacheme/otel against a real Redis (the harness's standalone server): two clients on one
// server stand in for two processes, so the second one's get waits on the first one's fetch.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, expect, inject, it } from 'vitest'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { cached, createClient, type Client } from 'cacheme'
import { instrument, type Stop } from '@cacheme/otel'
import { createSdk, isChildOf, onlySpan, type Sdk } from './sdk.js'

let sdk: Sdk
let clients: Client[]
let stop: Stop

beforeEach(() => {
  sdk = createSdk()
  const { url } = inject('redis').standalone
  const prefix = `otel-${randomUUID()}`
  clients = [createClient({ redis: url, prefix }), createClient({ redis: url, prefix })]
  stop = instrument({ meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider })
})

afterEach(async () => {
  stop()
  await Promise.all(clients.map((client) => client.close()))
  await sdk.shutdown()
})

it('on Redis: MISS, FETCH, WAIT and HIT counted per store; spans and fetch durations of both clients', async () => {
  const [first, second] = clients as [Client, Client]
  let fetches = 0
  let started!: () => void
  const fetchStarted = new Promise<void>((resolve) => {
    started = resolve
  })
  let release!: () => void
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  const fetcher = async ({ id }: { id: number }) => {
    fetches++
    started()
    await released
    await sleep(20)
    return { id, name: `user ${id}` }
  }
  const onFirst = cached('user:<<id>>', fetcher, { client: first, name: 'User' })
  const onSecond = cached('user:<<id>>', fetcher, { client: second, name: 'User' })
  const filling = onFirst.get({ id: 1 })
  await fetchStarted // the first client holds the lock
  const waiting = onSecond.get({ id: 1 })
  await until(() => second.stats().stores.User?.waits === 1)
  release()
  expect(await Promise.all([filling, waiting])).toEqual([
    { id: 1, name: 'user 1' },
    { id: 1, name: 'user 1' },
  ])
  expect(await onSecond.get({ id: 1 })).toEqual({ id: 1, name: 'user 1' })
  expect(fetches).toBe(1)

  const failing = cached(
    'broken:<<id>>',
    async (_: { id: number }): Promise<number> => {
      throw new RangeError('no such row')
    },
    { client: first, name: 'Broken' },
  )
  await expect(failing.get({ id: 1 })).rejects.toThrow('no such row')

  // The waiter found the first client's lock marker: WAIT, not MISS. A failed fetch is a FETCH too.
  const operations = await sdk.operations()
  expect(operations).toEqual({ 'User MISS': 1, 'User FETCH': 1, 'User WAIT': 1, 'User HIT': 1, 'Broken MISS': 1, 'Broken FETCH': 1 })
  // What the metric counts is what the clients' stats() count, together.
  const ops = { MISS: 'misses', FETCH: 'fetches', WAIT: 'waits', HIT: 'hits', ERROR: 'errors' } as const
  for (const store of ['User', 'Broken']) {
    for (const [op, field] of Object.entries(ops)) {
      const counted = clients.reduce((sum, client) => sum + (client.stats().stores[store]?.[field] ?? 0), 0)
      expect(operations[`${store} ${op}`] ?? 0, `${store} ${op}`).toBe(counted)
    }
  }

  const spans = sdk.spans()
  const gets = spans.filter((s) => s.name === 'cacheme.get User')
  const fetch = onlySpan(spans, 'cacheme.fetch User')
  expect(gets).toHaveLength(3)
  for (const get of gets) {
    expect(get.kind).toBe(SpanKind.CLIENT)
    expect(get.attributes).toEqual({ 'cacheme.store': 'User', 'cacheme.key': 'user:1:v1', 'db.system.name': 'redis' })
  }
  expect(
    isChildOf(
      fetch,
      gets.find((g) => g.events.some((e) => e.attributes?.['cacheme.op'] === 'FETCH'))!,
    ),
  ).toBe(true)
  expect(gets.filter((g) => g.events.some((e) => e.attributes?.['cacheme.op'] === 'WAIT'))).toHaveLength(1)
  const brokenFetch = onlySpan(spans, 'cacheme.fetch Broken')
  expect(brokenFetch.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no such row' })
  expect(isChildOf(brokenFetch, onlySpan(spans, 'cacheme.get Broken'))).toBe(true)

  const durations = await sdk.fetchDurations()
  const user = durations.find((p) => p.attributes['cacheme.store'] === 'User')!
  expect(user.value.count).toBe(1)
  expect(user.value.min).toBeGreaterThanOrEqual(0.019)
  expect(durations.find((p) => p.attributes['cacheme.store'] === 'Broken')!.attributes).toEqual({
    'cacheme.store': 'Broken',
    'error.type': 'RangeError',
  })
})

/** Polls `condition` every 5 ms, for at most 10 s. */
async function until(condition: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !condition(); await sleep(5)) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition')
  }
}
