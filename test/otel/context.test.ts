// With OpenTelemetry registered globally, as an app's SDK setup does: the global providers are
// instrument()'s defaults, and an AsyncLocalStorageContextManager carries the active span, so
// cacheme's spans join the caller's trace and what runs in a fetcher nests under its fetch span.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { context, metrics, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { cached, createClient, type Client } from 'cacheme'
import { instrument, type Stop } from '@cacheme/otel'
import { createSdk, isChildOf, onlySpan, type Sdk } from './sdk.js'

let sdk: Sdk
let client: Client
let stop: Stop

beforeAll(() => {
  sdk = createSdk()
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(sdk.tracerProvider)
  metrics.setGlobalMeterProvider(sdk.meterProvider)
  client = createClient()
  stop = instrument()
})

afterAll(async () => {
  stop()
  await client.close()
  await sdk.shutdown()
  trace.disable()
  metrics.disable()
  context.disable()
})

it("instrument() with no options records to the global providers; a get joins the caller's active span", async () => {
  const app = trace.getTracer('app')
  const store = cached('ctx-user:<<id>>', ({ id }: { id: number }) => id, { client, name: 'User' })
  let activeAfter: unknown
  await app.startActiveSpan('GET /users/:id', async (request) => {
    await store.get({ id: 1 })
    await store.get({ id: 1 })
    // Nothing of cacheme's stays active in the caller once the get resolved.
    activeAfter = trace.getActiveSpan()
    request.end()
  })
  const spans = sdk.spans()
  const request = onlySpan(spans, 'GET /users/:id')
  expect(activeAfter).toBeDefined()
  expect((activeAfter as { spanContext(): { spanId: string } }).spanContext().spanId).toBe(request.spanContext().spanId)
  const gets = spans.filter((s) => s.name === 'cacheme.get User')
  expect(gets).toHaveLength(2)
  for (const get of gets) expect(isChildOf(get, request)).toBe(true)
  expect(isChildOf(onlySpan(spans, 'cacheme.fetch User'), gets[0]!)).toBe(true)
  expect(await sdk.operations()).toEqual({ 'User MISS': 1, 'User FETCH': 1, 'User HIT': 1 })
})

it("in a fetcher, the fetch span is the active span: the fetcher's own spans and gets nest under it", async () => {
  const app = trace.getTracer('app')
  const price = cached('ctx-price:<<id>>', ({ id }: { id: number }) => id * 10, { client, name: 'Price' })
  let activeInFetcher: string | undefined
  const product = cached(
    'ctx-product:<<id>>',
    async ({ id }: { id: number }) => {
      activeInFetcher = trace.getActiveSpan()?.spanContext().spanId
      const row = await app.startActiveSpan('SELECT product', async (query) => {
        // A get inside a span the fetcher started nests under that span.
        const value = { id, price: await price.get({ id }) }
        query.end()
        return value
      })
      return row
    },
    { client, name: 'Product' },
  )
  expect(await product.get({ id: 2 })).toEqual({ id: 2, price: 20 })
  const spans = sdk.spans()
  const get = onlySpan(spans, 'cacheme.get Product')
  const fetch = onlySpan(spans, 'cacheme.fetch Product')
  const query = onlySpan(spans, 'SELECT product')
  const priceGet = onlySpan(spans, 'cacheme.get Price')
  expect(get.parentSpanContext).toBeUndefined()
  expect(isChildOf(fetch, get)).toBe(true)
  expect(activeInFetcher).toBe(fetch.spanContext().spanId)
  expect(isChildOf(query, fetch)).toBe(true)
  expect(isChildOf(priceGet, query)).toBe(true)
  expect(isChildOf(onlySpan(spans, 'cacheme.fetch Price'), priceGet)).toBe(true)
})
