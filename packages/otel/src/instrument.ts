import { AsyncLocalStorage } from 'node:async_hooks'
import { channel, tracingChannel, type Channel } from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'
import {
  context,
  diag,
  metrics,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Counter,
  type Exception,
  type Histogram,
  type MeterProvider,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api'
import type { CacheOp, OpDetail } from 'cacheme'
import { checkOptions, type InstrumentOptions } from './options.js'

/** The instrumentation scope of the meter and the tracer (kept equal to package.json by a test). */
export const SCOPE_NAME = '@cacheme/otel'
export const SCOPE_VERSION = '0.1.0'

/** Bucket boundaries (seconds) of `cacheme.fetch.duration`: OTel's advice for database client durations. */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10]

/** What cacheme's tracing channels carry: `{ store, key }`, plus what `tracePromise` adds. */
interface TraceContext {
  store: string
  key: string
  result?: unknown
  error?: unknown
}

/** What cacheme publishes on `cacheme:op`, once per logger op. */
interface OpMessage {
  store: string
  key: string
  op: CacheOp
  detail: OpDetail | undefined
}

/** One get or fetch being traced. */
interface Active {
  readonly kind: 'get' | 'fetch'
  readonly store: string
  readonly key: string
  readonly span: Span
  /** The context with this span active: what runs inside the get or the fetcher sees it. */
  readonly context: Context
  /** The cacheme get or fetch this one runs inside, if any. */
  readonly outer: Active | undefined
  readonly startedAt: number
  ended: boolean
}

/**
 * Makes `context.with()` the store that a tracing channel's `start.runStores()` enters, so that
 * what runs inside a traced get or fetcher (a database call with its own instrumentation, a
 * nested get) has the cacheme span as its active span, under whatever ContextManager is
 * registered. `runStores` only calls `store.run(value, fn)`; this is an AsyncLocalStorage
 * (never entered itself) so that `bindStore` accepts it.
 */
class OtelContextStore extends AsyncLocalStorage<Context> {
  override run<R, TArgs extends unknown[]>(store: Context, callback: (...args: TArgs) => R, ...args: TArgs): R {
    return store === undefined ? callback(...args) : context.with(store, callback, undefined, ...args)
  }
}

/** Stops recording: unsubscribes from every channel; spans still open are ended now. */
export type Stop = () => void

/**
 * Records cacheme's operations, fetch durations and spans of gets and fetches with OpenTelemetry,
 * from cacheme's diagnostics channels (`cacheme:op`, `cacheme:get`, `cacheme:fetch`), for every
 * cacheme client in this process. Returns the function that stops it.
 */
export function instrument(options?: InstrumentOptions): Stop {
  const checked = checkOptions(options)
  const meterProvider: MeterProvider = checked.meterProvider ?? metrics.getMeterProvider()
  const tracerProvider: TracerProvider = checked.tracerProvider ?? trace.getTracerProvider()
  const meter = meterProvider.getMeter(SCOPE_NAME, SCOPE_VERSION)
  const recorder = new Recorder(
    tracerProvider.getTracer(SCOPE_NAME, SCOPE_VERSION),
    meter.createCounter('cacheme.operations', {
      description: "cacheme's operations (HIT, MISS, FETCH, WAIT, STALE, ERROR), as its logger sees them",
      unit: '{operation}',
    }),
    meter.createHistogram('cacheme.fetch.duration', {
      description: "Duration of calls of a store's fetcher",
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
  )
  return recorder.start()
}

class Recorder {
  readonly #tracer: Tracer
  readonly #operations: Counter
  readonly #fetchDuration: Histogram
  /** The innermost traced get or fetch of the running code, whether or not a ContextManager is registered. */
  readonly #current = new AsyncLocalStorage<Active | undefined>()
  readonly #otelContext = new OtelContextStore()
  readonly #actives = new WeakMap<object, Active>()
  readonly #inFlight = new Set<Active>()
  readonly #attributes = new Map<string, Attributes>()

  constructor(tracer: Tracer, operations: Counter, fetchDuration: Histogram) {
    this.#tracer = tracer
    this.#operations = operations
    this.#fetchDuration = fetchDuration
  }

  start(): Stop {
    const undo: (() => void)[] = []
    const on = (target: Channel, handler: (message: unknown) => void) => {
      const guarded = (message: unknown) => this.#safely(handler, message)
      target.subscribe(guarded)
      undo.push(() => target.unsubscribe(guarded))
    }
    for (const kind of ['get', 'fetch'] as const) {
      const traced = tracingChannel<unknown, object>(`cacheme:${kind}`)
      // The stores first: runStores() calls their transforms before publishing start.
      traced.start.bindStore(this.#current, (ctx) => this.#safely(() => this.#begin(kind, ctx as TraceContext)))
      undo.push(() => traced.start.unbindStore(this.#current))
      traced.start.bindStore(
        this.#otelContext,
        (ctx) => this.#safely(() => this.#begin(kind, ctx as TraceContext).context) ?? context.active(),
      )
      undo.push(() => traced.start.unbindStore(this.#otelContext))
      on(traced.start, (ctx) => this.#begin(kind, ctx as TraceContext))
      on(traced.error, (ctx) => this.#failed(ctx as TraceContext))
      // A promise settles on asyncEnd; `end` with an error is a synchronous throw (no asyncEnd then).
      on(traced.end, (ctx) => {
        if ('error' in (ctx as TraceContext)) this.#finish(ctx as TraceContext)
      })
      on(traced.asyncEnd, (ctx) => this.#finish(ctx as TraceContext))
    }
    on(channel('cacheme:op'), (message) => this.#op(message as OpMessage))
    let stopped = false
    return () => {
      if (stopped) return
      stopped = true
      for (const step of undo) this.#safely(step)
      for (const active of this.#inFlight) this.#safely(() => this.#end(active, undefined, false))
      this.#inFlight.clear()
      // Lets go of the store's async hooks (Node 20) and of the values it still holds.
      this.#current.disable()
    }
  }

  /** The span of this get or fetch, started on its first sight (a store's transform or start). */
  #begin(kind: 'get' | 'fetch', ctx: TraceContext): Active {
    const known = this.#actives.get(ctx)
    if (known !== undefined) return known
    const store = String(ctx.store)
    const key = String(ctx.key)
    const active = context.active()
    const outer = this.#current.getStore()
    // Without a ContextManager, context.active() never carries a span: the enclosing cacheme span is the parent then.
    const parent = trace.getSpan(active) === undefined && outer !== undefined ? outer.context : active
    const attributes: Attributes = { 'cacheme.store': store, 'cacheme.key': key }
    if (kind === 'get') attributes['db.system.name'] = 'redis'
    const span = this.#tracer.startSpan(
      `cacheme.${kind} ${store}`,
      { kind: kind === 'get' ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes },
      parent,
    )
    const begun: Active = {
      kind,
      store,
      key,
      span,
      context: trace.setSpan(parent, span),
      outer,
      startedAt: performance.now(),
      ended: false,
    }
    this.#actives.set(ctx, begun)
    this.#inFlight.add(begun)
    return begun
  }

  #failed(ctx: TraceContext): void {
    const active = this.#actives.get(ctx)
    if (active === undefined || active.ended) return
    const { error } = ctx
    active.span.recordException(exceptionOf(error))
    active.span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) })
    active.span.setAttribute('error.type', errorType(error))
  }

  #finish(ctx: TraceContext): void {
    const active = this.#actives.get(ctx)
    if (active === undefined) return
    this.#actives.delete(ctx)
    this.#end(active, 'error' in ctx ? errorType(ctx.error) : undefined, true)
  }

  #end(active: Active, errorType: string | undefined, record: boolean): void {
    if (active.ended) return
    active.ended = true
    this.#inFlight.delete(active)
    if (record && active.kind === 'fetch') {
      const seconds = (performance.now() - active.startedAt) / 1000
      this.#fetchDuration.record(seconds, this.#attributesOf(active.store, undefined, errorType))
    }
    active.span.end()
  }

  /** Counts the op, and notes it on the span of the get it belongs to (same store and key). */
  #op({ store, key, op, detail }: OpMessage): void {
    const error = op === 'ERROR' ? detail?.error : undefined
    const type = error === undefined ? undefined : errorType(error)
    this.#operations.add(1, this.#attributesOf(store, op, type))
    for (let active = this.#current.getStore(); active !== undefined; active = active.outer) {
      if (active.kind !== 'get' || active.store !== store || active.key !== key) continue
      if (active.ended) return
      const event: Attributes = { 'cacheme.op': op }
      if (type !== undefined) {
        event['error.type'] = type
        event['exception.message'] = messageOf(error)
      }
      active.span.addEvent('cacheme.op', event)
      return
    }
  }

  /** The metric attributes, one object per combination (there are few: stores × ops × error types). */
  #attributesOf(store: string, op: CacheOp | undefined, errorType: string | undefined): Attributes {
    const id = `${store}\u0000${op ?? ''}\u0000${errorType ?? ''}`
    let attributes = this.#attributes.get(id)
    if (attributes === undefined) {
      attributes = {}
      // Ops of no store (the client's own notices subscriber) go without cacheme.store, as in stats()'s total only.
      if (store !== '') attributes['cacheme.store'] = store
      if (op !== undefined) attributes['cacheme.op'] = op
      if (errorType !== undefined) attributes['error.type'] = errorType
      this.#attributes.set(id, attributes)
    }
    return attributes
  }

  /** Runs an instrumentation step; a failure is reported to OTel's diag logger, never to cacheme or the app. */
  #safely<A extends unknown[], R>(step: (...args: A) => R, ...args: A): R | undefined {
    try {
      return step(...args)
    } catch (error) {
      diag.error('@cacheme/otel: instrumentation failed', error)
      return undefined
    }
  }
}

/** OTel's `error.type`: the error's name (a class's, or one set on the instance), `_OTHER` for a non-Error. */
export function errorType(error: unknown): string {
  if (!(error instanceof Error)) return '_OTHER'
  if (typeof error.name === 'string' && error.name !== '' && error.name !== 'Error') return error.name
  const constructorName = (error.constructor as { name?: unknown } | undefined)?.name
  return typeof constructorName === 'string' && constructorName !== '' ? constructorName : 'Error'
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function exceptionOf(error: unknown): Exception {
  return error instanceof Error || typeof error === 'string' ? error : String(error)
}
