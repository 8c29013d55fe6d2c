// @cacheme/otel on cacheme's memory backend (createClient() with no Redis), recorded by the real
// OpenTelemetry SDK in memory (./sdk.ts).
import { readFileSync } from 'node:fs'
import { channel, tracingChannel } from 'node:diagnostics_channel'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { cached, createClient, type Client } from 'cacheme'
import { instrument, type Stop } from '@cacheme/otel'
import { rawSet } from '../cacheme/internals.js'
import { createSdk, isChildOf, onlySpan, type Sdk } from './sdk.js'

let sdk: Sdk
let client: Client
let stop: Stop

beforeEach(() => {
  sdk = createSdk()
  client = createClient()
  stop = instrument({ meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider })
})

afterEach(async () => {
  stop()
  await client.close()
  await sdk.shutdown()
})

class DatabaseDown extends Error {
  override name = 'DatabaseDown'
}

describe('cacheme.operations', () => {
  it('counts every op per store, as client.stats() does', async () => {
    const a = cached('otel-a:<<id>>', ({ id }: { id: string }) => `a${id}`, { client, name: 'A' })
    const b = cached('otel-b:<<id>>', ({ id }: { id: string }) => `b${id}`, { client, name: 'B' })
    await a.get({ id: '1' })
    await a.get({ id: '1' })
    await a.get({ id: '1' })
    await b.getMany([{ id: '1' }, { id: '2' }])
    expect(await sdk.operations()).toEqual({ 'A MISS': 1, 'A FETCH': 1, 'A HIT': 2, 'B MISS': 2, 'B FETCH': 2 })
    const { stores } = client.stats()
    expect(stores.A).toMatchObject({ hits: 2, misses: 1, fetches: 1 })
    expect(stores.B).toMatchObject({ hits: 0, misses: 2, fetches: 2 })
    const metric = (await sdk.metrics()).get('cacheme.operations')!
    expect(metric.descriptor).toMatchObject({ name: 'cacheme.operations', unit: '{operation}' })
  })

  it("an ERROR op carries the error's type (error.type)", async () => {
    const store = cached('otel-foreign:<<id>>', ({ id }: { id: string }) => id, { client, name: 'Foreign' })
    await rawSet(client, [store.key({ id: '1' })], 'not written by cacheme')
    expect(await store.get({ id: '1' })).toBe('1')
    const points = (await sdk.metrics()).get('cacheme.operations')!.dataPoints
    const error = points.find((point) => point.attributes['cacheme.op'] === 'ERROR')
    expect(error?.attributes).toEqual({ 'cacheme.store': 'Foreign', 'cacheme.op': 'ERROR', 'error.type': expect.any(String) })
    expect(error?.value).toBe(1)
    // The get span notes it as an event, with the message.
    const get = onlySpan(sdk.spans(), 'cacheme.get Foreign')
    const event = get.events.find((e) => e.attributes?.['cacheme.op'] === 'ERROR')
    expect(String(event?.attributes?.['exception.message'])).toMatch(/was not written by this store's codec/)
  })
})

describe('spans', () => {
  it('a get that fetches: cacheme.get (CLIENT, db.system.name redis) is the parent of cacheme.fetch (INTERNAL)', async () => {
    const store = cached('otel-user:<<id>>', ({ id }: { id: number }) => ({ id }), { client, name: 'User' })
    await store.get({ id: 7 })
    const spans = sdk.spans()
    const get = onlySpan(spans, 'cacheme.get User')
    const fetch = onlySpan(spans, 'cacheme.fetch User')
    expect(get.kind).toBe(SpanKind.CLIENT)
    expect(get.attributes).toEqual({ 'cacheme.store': 'User', 'cacheme.key': 'otel-user:7:v1', 'db.system.name': 'redis' })
    expect(fetch.kind).toBe(SpanKind.INTERNAL)
    expect(fetch.attributes).toEqual({ 'cacheme.store': 'User', 'cacheme.key': 'otel-user:7:v1' })
    expect(fetch.status.code).toBe(SpanStatusCode.UNSET)
    expect(get.status.code).toBe(SpanStatusCode.UNSET)
    expect(isChildOf(fetch, get)).toBe(true)
    expect(get.parentSpanContext).toBeUndefined()
    expect(get.events.map((e) => e.attributes?.['cacheme.op'])).toEqual(['MISS', 'FETCH'])
    // The fetch ends before its get.
    expect(spans.indexOf(fetch)).toBeLessThan(spans.indexOf(get))
    for (const span of spans)
      expect(span.instrumentationScope).toEqual({ name: '@cacheme/otel', version: packageVersion(), schemaUrl: undefined })
  })

  it('a hit is a get span alone, with its HIT event', async () => {
    const store = cached('otel-hit:<<id>>', ({ id }: { id: number }) => id, { client, name: 'Hit' })
    await store.get({ id: 1 })
    await store.get({ id: 1 })
    const gets = sdk.spans().filter((s) => s.name === 'cacheme.get Hit')
    expect(gets).toHaveLength(2)
    expect(gets[1]!.events.map((e) => e.attributes?.['cacheme.op'])).toEqual(['HIT'])
    expect(sdk.spans().filter((s) => s.name === 'cacheme.fetch Hit')).toHaveLength(1)
  })

  it('a failing fetcher: fetch and get spans with status ERROR, the exception recorded, error.type on span and histogram', async () => {
    const store = cached(
      'otel-fail:<<id>>',
      async (_: { id: number }) => {
        throw new DatabaseDown('connection refused')
      },
      { client, name: 'Fail' },
    )
    await expect(store.get({ id: 1 })).rejects.toThrow('connection refused')
    const spans = sdk.spans()
    const fetch = onlySpan(spans, 'cacheme.fetch Fail')
    const get = onlySpan(spans, 'cacheme.get Fail')
    expect(isChildOf(fetch, get)).toBe(true)
    for (const span of [fetch, get]) {
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'connection refused' })
      expect(span.attributes['error.type']).toBe('DatabaseDown')
      const exception = span.events.find((e) => e.name === 'exception')
      expect(exception?.attributes).toMatchObject({ 'exception.type': 'DatabaseDown', 'exception.message': 'connection refused' })
      expect(String(exception?.attributes?.['exception.stacktrace'])).toContain('instrument.test.ts')
    }
    const [point, ...others] = await sdk.fetchDurations()
    expect(others).toEqual([])
    expect(point!.attributes).toEqual({ 'cacheme.store': 'Fail', 'error.type': 'DatabaseDown' })
    expect(point!.value.count).toBe(1)
  })

  it('a fetcher that throws synchronously, or throws a non-Error, is recorded the same way', async () => {
    const sync = cached(
      'otel-sync:<<id>>',
      (_: { id: number }): number => {
        throw new TypeError('bad row')
      },
      { client, name: 'Sync' },
    )
    const odd = cached(
      'otel-odd:<<id>>',
      (_: { id: number }): number => {
        throw 'a string'
      },
      { client, name: 'Odd' },
    )
    await expect(sync.get({ id: 1 })).rejects.toThrow('bad row')
    await expect(odd.get({ id: 1 })).rejects.toBe('a string')
    const spans = sdk.spans()
    expect(onlySpan(spans, 'cacheme.fetch Sync').attributes['error.type']).toBe('TypeError')
    const oddFetch = onlySpan(spans, 'cacheme.fetch Odd')
    expect(oddFetch.status).toEqual({ code: SpanStatusCode.ERROR, message: 'a string' })
    expect(oddFetch.attributes['error.type']).toBe('_OTHER')
    const types = (await sdk.fetchDurations()).map((p) => `${p.attributes['cacheme.store']} ${p.attributes['error.type']}`).sort()
    expect(types).toEqual(['Odd _OTHER', 'Sync TypeError'])
  })

  it('concurrent gets of one key: one fetch, under the get that started it', async () => {
    let calls = 0
    const store = cached(
      'otel-herd:<<id>>',
      async ({ id }: { id: number }) => {
        calls++
        await sleep(20)
        return id
      },
      { client, name: 'Herd' },
    )
    await Promise.all([store.get({ id: 1 }), store.get({ id: 1 }), store.get({ id: 1 })])
    expect(calls).toBe(1)
    const spans = sdk.spans()
    const gets = spans.filter((s) => s.name === 'cacheme.get Herd')
    const fetch = onlySpan(spans, 'cacheme.fetch Herd')
    expect(gets).toHaveLength(3)
    expect(gets.filter((get) => isChildOf(fetch, get))).toHaveLength(1)
    // Three separate traces: the joiners are not made children of the first get.
    expect(new Set(gets.map((g) => g.spanContext().traceId)).size).toBe(3)
  })

  it('gets nest: a get inside a fetcher is a child of that fetch (no ContextManager registered)', async () => {
    const inner = cached('otel-inner:<<id>>', ({ id }: { id: number }) => id * 2, { client, name: 'Inner' })
    const outer = cached('otel-outer:<<id>>', async ({ id }: { id: number }) => (await inner.get({ id })) + 1, { client, name: 'Outer' })
    expect(await outer.get({ id: 3 })).toBe(7)
    const spans = sdk.spans()
    const outerGet = onlySpan(spans, 'cacheme.get Outer')
    const outerFetch = onlySpan(spans, 'cacheme.fetch Outer')
    const innerGet = onlySpan(spans, 'cacheme.get Inner')
    const innerFetch = onlySpan(spans, 'cacheme.fetch Inner')
    expect(isChildOf(outerFetch, outerGet)).toBe(true)
    expect(isChildOf(innerGet, outerFetch)).toBe(true)
    expect(isChildOf(innerFetch, innerGet)).toBe(true)
    // Each get's events are its own ops only.
    expect(outerGet.events.map((e) => e.attributes?.['cacheme.op'])).toEqual(['MISS', 'FETCH'])
    expect(innerGet.events.map((e) => e.attributes?.['cacheme.op'])).toEqual(['MISS', 'FETCH'])
  })

  it('getMany, refresh: fetch spans without a get span (only get() is traced as a get)', async () => {
    const store = cached('otel-many:<<id>>', ({ id }: { id: number }) => id, { client, name: 'Many' })
    await store.getMany([{ id: 1 }, { id: 2 }])
    await store.refresh({ id: 1 })
    const spans = sdk.spans()
    expect(spans.map((s) => s.name)).toEqual(['cacheme.fetch Many', 'cacheme.fetch Many', 'cacheme.fetch Many'])
    expect(spans.map((s) => s.attributes['cacheme.key'])).toEqual(['otel-many:1:v1', 'otel-many:2:v1', 'otel-many:1:v1'])
    for (const span of spans) expect(span.parentSpanContext).toBeUndefined()
  })
})

describe('cacheme.fetch.duration', () => {
  it('records each fetch in seconds, per store', async () => {
    const slow = cached(
      'otel-slow:<<id>>',
      async ({ id }: { id: number }) => {
        await sleep(30)
        return id
      },
      { client, name: 'Slow' },
    )
    const fast = cached('otel-fast:<<id>>', ({ id }: { id: number }) => id, { client, name: 'Fast' })
    await Promise.all([slow.get({ id: 1 }), slow.get({ id: 2 }), fast.get({ id: 1 })])
    const metric = (await sdk.metrics()).get('cacheme.fetch.duration')!
    expect(metric.descriptor).toMatchObject({ name: 'cacheme.fetch.duration', unit: 's' })
    const points = await sdk.fetchDurations()
    const slowPoint = points.find((p) => p.attributes['cacheme.store'] === 'Slow')!
    const fastPoint = points.find((p) => p.attributes['cacheme.store'] === 'Fast')!
    expect(slowPoint.attributes).toEqual({ 'cacheme.store': 'Slow' })
    expect(slowPoint.value.count).toBe(2)
    // Timers may fire up to a millisecond early; 30 ms each, in seconds.
    expect(slowPoint.value.min).toBeGreaterThanOrEqual(0.029)
    expect(slowPoint.value.max).toBeLessThan(5)
    expect(fastPoint.value.count).toBe(1)
    expect(fastPoint.value.max).toBeLessThan(slowPoint.value.min!)
    expect(slowPoint.value.buckets.boundaries).toEqual([0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10])
  })
})

describe('stop()', () => {
  it('stops recording and leaves the channels without subscribers; it can be called again', async () => {
    const store = cached('otel-stop:<<id>>', ({ id }: { id: number }) => id, { client, name: 'Stop' })
    await store.get({ id: 1 })
    stop()
    stop()
    expect(tracingChannel('cacheme:get').hasSubscribers).toBe(false)
    expect(tracingChannel('cacheme:fetch').hasSubscribers).toBe(false)
    expect(channel('cacheme:op').hasSubscribers).toBe(false)
    await store.get({ id: 1 })
    await store.get({ id: 2 })
    expect(await sdk.operations()).toEqual({ 'Stop MISS': 1, 'Stop FETCH': 1 })
    expect((await sdk.fetchDurations()).map((p) => p.value.count)).toEqual([1])
    expect(sdk.spans().map((s) => s.name)).toEqual(['cacheme.fetch Stop', 'cacheme.get Stop'])
    expect(client.stats().stores.Stop).toMatchObject({ hits: 1, misses: 2, fetches: 2 })
  })

  it('ends the spans still open, without recording their duration', async () => {
    let release!: () => void
    const store = cached(
      'otel-open:<<id>>',
      ({ id }: { id: number }) =>
        new Promise<number>((resolve) => {
          release = () => resolve(id)
        }),
      { client, name: 'Open' },
    )
    const pending = store.get({ id: 1 })
    await sleep(5)
    expect(sdk.spans()).toEqual([])
    stop()
    expect(
      sdk
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['cacheme.fetch Open', 'cacheme.get Open'])
    release()
    expect(await pending).toBe(1)
    expect(sdk.spans()).toHaveLength(2)
    expect(await sdk.fetchDurations()).toEqual([])
  })

  it('each instrument() is separate: stopping one leaves the other recording', async () => {
    const other = createSdk()
    const stopOther = instrument({ meterProvider: other.meterProvider, tracerProvider: other.tracerProvider })
    try {
      const store = cached('otel-two:<<id>>', ({ id }: { id: number }) => id, { client, name: 'Two' })
      await store.get({ id: 1 })
      stop()
      await store.get({ id: 1 })
      expect(await sdk.operations()).toEqual({ 'Two MISS': 1, 'Two FETCH': 1 })
      expect(await other.operations()).toEqual({ 'Two MISS': 1, 'Two FETCH': 1, 'Two HIT': 1 })
      expect(other.spans()).toHaveLength(3)
    } finally {
      stopOther()
      await other.shutdown()
    }
  })
})

describe('robustness', () => {
  it('a tracer that throws does not break a get; the failure goes to the OTel diag logger', async () => {
    const { diag, DiagLogLevel } = await import('@opentelemetry/api')
    const reported: unknown[] = []
    diag.setLogger(
      {
        error: (...args: unknown[]) => {
          reported.push(args)
        },
        warn: () => {},
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      DiagLogLevel.ERROR,
    )
    const broken = instrument({
      meterProvider: sdk.meterProvider,
      tracerProvider: {
        getTracer: () => ({
          startSpan: () => {
            throw new Error('tracer broke')
          },
          startActiveSpan: () => {
            throw new Error('tracer broke')
          },
        }),
      },
    })
    try {
      const uncaught: unknown[] = []
      const onUncaught = (error: unknown) => {
        uncaught.push(error)
      }
      process.on('uncaughtException', onUncaught)
      const store = cached('otel-broken:<<id>>', ({ id }: { id: number }) => id, { client, name: 'Broken' })
      expect(await store.get({ id: 1 })).toBe(1)
      expect(await store.get({ id: 1 })).toBe(1)
      await sleep(5)
      process.off('uncaughtException', onUncaught)
      expect(uncaught).toEqual([])
      expect(reported.length).toBeGreaterThan(0)
      expect(String((reported[0] as unknown[])[1])).toContain('tracer broke')
      // The metrics of both instrumentations still count.
      expect(await sdk.operations()).toEqual({ 'Broken MISS': 2, 'Broken FETCH': 2, 'Broken HIT': 2 })
    } finally {
      broken()
      diag.disable()
    }
  })
})

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../packages/otel/package.json', import.meta.url), 'utf8')) as { version: string }).version
}
