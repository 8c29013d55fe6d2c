import type { IndexName } from '../backends/backend.js'
import type { Budget } from '../client/budget.js'
import { Client, coreOf } from '../client/client.js'
import type { ClientCore } from '../client/core.js'
import { defaultClient } from '../client/default-client.js'
import { tracedFetch, tracedGet, tracingGets } from '../client/tracing.js'
import { checkOptions } from '../check-options.js'
import { NOT_A_VALUE } from '../codec/codec.js'
import type { Frame, ValueFrame } from '../codec/frame.js'
import { describeValue } from '../describe.js'
import { CacheUnavailableError } from '../errors.js'
import { BatchLoader } from '../herd/batch.js'
import { FetchControl, type FetchContext } from '../herd/fetch-control.js'
import { physicalTtl, stamp } from '../herd/freshness.js'
import { refresh, type Load } from '../herd/herd.js'
import { settle } from '../herd/revalidate.js'
import { copyValue, type LocalReads, type LocalEntry, type Ticket } from '../local/local.js'
import { Pipeline } from '../pipeline.js'
import { encodeVersion } from '../template/encode-param.js'
import { ManyGet } from './get-many.js'
import { KeyMemo } from './key-memo.js'
import { checkVersion, normalizeOptions, type NormalizedOptions, type StoreOptions, type Ttl, type Version } from './options.js'
import type { StoreSpec } from './spec.js'

export type Params = Record<string, string | number>
export type Fetcher<P, T> = (params: P, ctx: FetchContext<T>) => T | Promise<T>

export interface GetOptions {
  /** Rejects this caller with an AbortError when aborted; a shared fetch goes on for the others. */
  signal?: AbortSignal
}

export interface GetManyOptions {
  /** Resolve to every key's outcome (`PromiseSettledResult<T>[]`) instead of rejecting on the first failed key. */
  settle?: boolean
}

/** A locally kept value with earlyRefresh leaves the tier this many δ·β before its fresh-until (XFetch draws past it come from Redis reads). */
const EARLY_MARGIN = 3
/**
 * A typed cache over one key template. Create one with `cached()`.
 *
 * The life of a `get`: the key is built (`key()`), the lookup joins this tick's batch on the
 * client (`ClientCore.get` → `Backend.get` → Redis GET/MGET, one round trip per node), and what
 * it finds is settled by the herd (herd.ts `afterLookup`: a value is returned; a miss takes the lock,
 * fetches and commits; a marker is joined or waited on; a failure falls back to the fetcher).
 */
export class Store<P extends object = Params, T = unknown> {
  readonly name: string
  /** @internal */ readonly spec: StoreSpec
  readonly #options: NormalizedOptions<T>
  readonly #fetcher: Fetcher<P, T>
  /** Keys by param value, for a store with one placeholder and a fixed version. */
  readonly #keyMemo: KeyMemo | undefined
  /** The key's `:v${version}` end, built once when the version is fixed (not a function). */
  readonly #fixedVersionSuffix: string | undefined
  /** With `fetchMany`: the misses of one lookup batch are filled together (herd/batch.ts). */
  readonly #batches: BatchLoader<P, T> | undefined

  constructor(spec: StoreSpec, fetcher: Fetcher<P, T>, ttlOrOptions?: Ttl | StoreOptions<T, P>) {
    if (typeof fetcher !== 'function') {
      throw new TypeError(`cacheme: the fetcher of '${spec.template}' must be a function (params) => value, got ${describeValue(fetcher)}`)
    }
    this.spec = spec
    this.#fetcher = fetcher
    this.#options = normalizeOptions(ttlOrOptions, spec.template, { ttlMs: spec.ttl, name: spec.name, version: spec.version },
      (value) => value instanceof Client, spec.params)
    this.name = this.#options.name
    const { version } = this.#options
    this.#fixedVersionSuffix = typeof version === 'function' ? undefined : this.#versionSuffix(version)
    this.#batches = this.#options.fetchMany ? new BatchLoader(this.#options.fetchMany) : undefined
    this.#keyMemo = spec.params.length === 1 && this.#fixedVersionSuffix !== undefined ? new KeyMemo() : undefined
  }

  /** The same store with a fetcher and options bound at a call site (the compiler's output uses this). */
  with<Q extends object, U>(fetcher: Fetcher<Q, U>, ttlOrOptions?: Ttl | StoreOptions<U, Q>): Store<Q, U> {
    return new Store(this.spec, fetcher, ttlOrOptions)
  }

  /** The full Redis key: `${prefix}:${rendered template}:v${version}`. */
  key(params: P): string {
    return this.#keyOn(coreOf(this.#client()), params)
  }

  /** The cached value, or fetch, store and return it. */
  get(params: P, options?: GetOptions): Promise<T> {
    let flight: Promise<T>
    try {
      const signal = options?.signal
      if (signal !== undefined && !(signal instanceof AbortSignal)) {
        throw new TypeError(`cacheme: signal of ${this.name}.get() must be an AbortSignal, got ${describeValue(signal)}`)
      }
      const core = coreOf(this.#client())
      const key = this.#keyOn(core, params)
      // A local hit, untraced: no closures to build (traced, it is looked up inside the trace below).
      const local = signal === undefined && !tracingGets() ? this.#fromLocal(core, key) : undefined
      if (local !== undefined) return local
      // (#lookupAndSettle looks in the local tier first too: for getMany, getP and a traced get.)
      const load = () => this.#lookupAndSettle(core, key, params)
      flight = tracingGets() ? tracedGet(this.name, () => shortKey(core, key), () => this.#shared(core, key, load)) : this.#shared(core, key, load)
      if (signal !== undefined) return withAbort(flight, signal)
    } catch (error) {
      return Promise.reject(error)
    }
    return flight
  }

  /** Values in input order: duplicates fetched once, lookups in one round trip per node. */
  getMany(paramsList: readonly P[], options: GetManyOptions & { settle: true }): Promise<PromiseSettledResult<T>[]>
  getMany(paramsList: readonly P[], options?: GetManyOptions): Promise<T[]>
  getMany(paramsList: readonly P[], options?: GetManyOptions): Promise<T[] | PromiseSettledResult<T>[]> {
    try {
      if (!Array.isArray(paramsList)) {
        throw new TypeError(`cacheme: ${this.name}.getMany() takes an array of params, got ${describeValue(paramsList)}`)
      }
      if (options !== undefined) checkGetManyOptions(options, this.name)
      const core = coreOf(this.#client())
      const keys = new Array<string>(paramsList.length)
      for (let i = 0; i < keys.length; i++) keys[i] = this.#keyOn(core, paramsList[i]!)
      // With fetchMany or a local tier, key by key: through the batch's tickets / the tier's.
      if (this.#batches || this.#localOf(core)) return this.#getEach(core, keys, paramsList, options?.settle === true)
      // One batch entry per distinct key, answers into one array; only a key that is not a hit
      // gets a promise (the herd's), so a warm getMany costs one promise, not one per key.
      const started = performance.now()
      const { format } = this.#options
      const many = new ManyGet<T>(keys, options?.settle === true, {
        hit: format.hit,
        logHit: (key) => core.log(this.name, key, 'HIT'),
        settle: (slot, found) => settle(this.#loadOf(core, keys[slot]!, paramsList[slot]!, core.budget(performance.now() - started)), found),
      })
      many.start(core, this.#options.singleflight ? core.flights : undefined)
      return many.promise
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * getMany key by key, through #lookupAndSettle: with `fetchMany` each lookup joins the batch
   * loader's ticket, so the misses of the whole list reach ONE fetchMany call; with a local tier
   * each key is served locally or reads Redis under its own placeholder (local/tier.ts).
   */
  #getEach(core: ClientCore, keys: string[], paramsList: readonly P[], settle: boolean): Promise<T[] | PromiseSettledResult<T>[]> {
    // A repeated key is loaded once, with or without singleflight; all lookups go in this tick's batch.
    const loads = new Map<string, Promise<T>>()
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      if (!loads.has(key)) loads.set(key, this.#shared(core, key, () => this.#lookupAndSettle(core, key, paramsList[i]!)))
    }
    const all = keys.map((key) => loads.get(key)!)
    return settle ? Promise.allSettled(all) : Promise.all(all)
  }

  /** Queues a lookup on `pipeline`; the promise settles after `pipeline.execute()`. */
  getP(pipeline: Pipeline, params: P): Promise<T> {
    const client = this.#client()
    if (!(pipeline instanceof Pipeline)) {
      throw new TypeError(`cacheme: ${this.name}.getP() takes a pipeline from client.pipeline() or pipeline(), got ${describeValue(pipeline)}`)
    }
    if (pipeline.client !== client) {
      throw new Error(`cacheme: ${this.name}.getP() got a pipeline of another client (${pipeline.client.description}) than the store's (${client.description})`)
    }
    const core = coreOf(client)
    const key = this.#keyOn(core, params)
    return pipeline.enqueue(() => this.#shared(core, key, () => this.#lookupAndSettle(core, key, params)))
  }

  /**
   * Fetches now, stores and returns the fresh value. It takes the lock over whatever the key
   * holds, so a fill in flight elsewhere can no longer store its older value, and its own write
   * is fenced: an invalidate or set that resolves during the fetch is not overwritten.
   */
  async refresh(params: P): Promise<T> {
    const core = coreOf(this.#client())
    const key = this.#keyOn(core, params)
    core.flights.forget(key)
    core.local?.drop(key)
    try {
      return await refresh(this.#loadOf(core, key, params, core.budget()))
    } finally {
      core.local?.drop(key)
    }
  }

  /** Stores a value (over a fill in flight too, which then no longer stores its own). */
  async set(params: P, value: T): Promise<void> {
    const core = coreOf(this.#client())
    const key = this.#keyOn(core, params)
    core.flights.forget(key)
    const { bytes, ttlMs } = stamp(this.#options.format.write(value), this.#options.ttlMs, 0, this.#options.fresh)
    const tags = this.#options.tags?.valueTags(core.prefix, params, value)
    // This process's write drops its local copy before and after (a read on the wire meanwhile isn't kept).
    core.local?.drop(key)
    const failure = await core.set({ key, index: this.#index(core, this.#version()), tags, value: bytes, ttlMs })
    core.local?.drop(key)
    if (failure) throw this.#writeFailed(core, 'set', key, failure)
  }

  /** Deletes the key (a fill in flight then no longer stores its value). */
  async invalidate(params: P): Promise<void> {
    const core = coreOf(this.#client())
    const key = this.#keyOn(core, params)
    // Later gets here start afresh instead of joining a load that began before; the DEL also
    // removes a lock marker, which fences off that load's write.
    core.flights.forget(key)
    core.local?.drop(key)
    const failure = await core.del({ key, index: this.#index(core, this.#version()) })
    core.local?.drop(key)
    if (failure) throw this.#writeFailed(core, 'invalidate', key, failure)
  }

  /** Deletes every key of this store for `version` (default: current); resolves to how many. */
  async invalidateAll(version?: Version): Promise<number> {
    const core = coreOf(this.#client())
    const v = version === undefined ? this.#version() : checkVersion(version, this.name)
    const index = this.#index(core, v)
    try {
      if (core.closed) throw new CacheUnavailableError('cacheme: the client is closed', { outcome: 'not-applied' })
      core.local?.dropStore(this.name)
      return await core.backend.delIndexed(index)
    } catch (error) {
      throw this.#writeFailed(core, 'invalidateAll', `${index.head}${index.tail}`, error, 'unknown')
    } finally {
      core.local?.dropStore(this.name)
    }
  }

  #client(): Client {
    return this.#options.client ?? defaultClient()
  }

  #version(): Version {
    const { version } = this.#options
    return typeof version === 'function' ? checkVersion(version(), this.name) : version
  }

  #shared(core: ClientCore, key: string, load: () => Promise<T>): Promise<T> {
    // A local hit is never a flight: it sends no lookup, so the open batch (which ends a flight's
    // joinable life) would not move on, and later callers would join it past an invalidation.
    const local = this.#fromLocal(core, key)
    if (local !== undefined) return local
    return this.#options.singleflight ? core.flights.run(key, load) : load()
  }

  /**
   * One lookup (in this tick's batch), then the herd acts on what it found. The lookup needs no
   * timer of its own: it is the call's first cache work, and its node bounds it by the same
   * timeout (backends/node-health.ts); what it took is charged to the budget of what follows.
   */
  async #lookupAndSettle(core: ClientCore, key: string, params: P): Promise<T> {
    const started = performance.now()
    const served = this.#fromLocal(core, key) // getMany, getP (get() looked already)
    if (served !== undefined) return served
    const local = this.#localOf(core)
    // The ticket goes in before the read is sent: an invalidation meanwhile removes it (local/tier.ts).
    const ticket = local?.reserve(key)
    const batch = this.#batches?.join(core)
    let found: Buffer | null | Error
    let load: Load<T>
    try {
      found = await core.get(key)
    } catch (error) {
      batch?.skip()
      if (ticket) local!.release(key, ticket)
      throw error
    }
    if (found instanceof Buffer) {
      // The hot path, a hit, without building the miss's Load (herd.ts afterLookup() does the
      // same); bytes that are not a decodable value without freshness metadata go on to settle(),
      // which judges an aged value (herd/revalidate.ts) or says what the bytes are.
      const { format } = this.#options
      const value = format.hit(found)
      if (value !== NOT_A_VALUE) {
        if (ticket) local!.keep(key, ticket, format.read(found) as ValueFrame, value, this.name, this.#options.local, this.#options.ttlMs)
        core.log(this.name, key, 'HIT')
        batch?.skip()
        return value
      }
      if (ticket) this.#keepFresh(local!, key, ticket, format.read(found))
    } else if (ticket) {
      local!.release(key, ticket)
    }
    try {
      load = this.#loadOf(core, key, params, core.budget(performance.now() - started))
    } catch (error) {
      batch?.skip()
      throw error
    }
    // A value with freshness metadata is judged per key (a stale one is served, refreshed alone).
    // A marker goes there too: it never joins a batch, and settle() puts a stale stand-in in front of its wait.
    const kind = found instanceof Buffer ? this.#options.format.read(found).kind : undefined
    if (batch && kind !== 'value' && kind !== 'marker') return batch.settle(load, params, found)
    batch?.skip()
    return settle(load, found)
  }

  /**
   * A value with freshness metadata is kept locally only while it is fresh (until its fresh-until,
   * less an early refresh's margin), so every judgement past it (STALE, a refresh) is made on
   * Redis's copy; anything else read is not kept.
   */
  #keepFresh(local: LocalReads, key: string, ticket: Ticket, frame: Frame): void {
    const now = Date.now()
    const meta = frame.kind === 'value' ? frame.fresh : undefined
    const margin = meta ? meta.deltaMs * meta.beta * EARLY_MARGIN : 0
    if (!meta || meta.freshUntil < 0 || meta.freshUntil - margin <= now) return local.release(key, ticket)
    let value: T
    try {
      value = this.#options.format.decode(frame as ValueFrame)
    } catch {
      return local.release(key, ticket)
    }
    local.keep(key, ticket, frame as ValueFrame, value, this.name, this.#options.local, Math.floor(meta.freshUntil - margin - now))
  }

  /** The client's local tier unless this store opted out (`local: false`). */
  #localOf(core: ClientCore): LocalReads | undefined {
    return this.#options.local === false ? undefined : core.local
  }

  /** A value served from the local tier (op LOCAL): a fresh copy (local/copy.ts) or decode, or under `shared` the one instance. */
  #fromLocal(core: ClientCore, key: string): Promise<T> | undefined {
    const entry: LocalEntry | undefined = this.#localOf(core)?.lookup(key)
    if (entry === undefined) return undefined
    let value: T
    try {
      value = entry.handout === 'shared' ? entry.value as T
        : entry.handout === 'copy' ? copyValue(entry.value as T)
        : this.#options.format.decode(entry.frame!)
    } catch {
      core.local!.drop(key)
      return undefined
    }
    core.log(this.name, key, 'LOCAL')
    return Promise.resolve(value)
  }

  #loadOf(core: ClientCore, key: string, params: P, budget: Budget): Load<T> {
    const { ttlMs, format, lock, singleflight, fresh, tags } = this.#options
    const keyTags = tags?.of(core.prefix, params)
    const control = (stale?: { value: T }) => new FetchControl<T>(this.name, shortKey(core, key), ttlMs, fresh.hardMs, stale)
    return {
      core, store: this.name, key, index: this.#index(core, this.#version()), ttlMs: physicalTtl(ttlMs, fresh), format, lock, singleflight, budget,
      fresh, control,
      fetch: (run = control()) => run.run(() => tracedFetch(this.name, () => shortKey(core, key), () => this.#fetcher(params, run.context()))),
      tags: keyTags?.marker, valueTags: keyTags?.value,
    }
  }

  #keyOn(core: ClientCore, params: P): string {
    const memo = this.#keyMemo
    if (memo !== undefined && params !== null && typeof params === 'object') {
      const value = (params as Record<string, unknown>)[this.spec.params[0]!]
      if (typeof value === 'number' || typeof value === 'string') {
        const known = memo.find(core, value)
        if (known !== undefined) return known
        const key = this.#buildKey(core, params)
        memo.remember(value, key)
        return key
      }
    }
    return this.#buildKey(core, params)
  }

  #buildKey(core: ClientCore, params: P): string {
    const suffix = this.#fixedVersionSuffix ?? this.#versionSuffix(this.#version())
    return `${core.prefix}:${this.spec.render(params as Record<string, unknown>)}${suffix}`
  }

  /** This store's index for a version; a cluster backend adds the key's slot tag between the halves. */
  #index(core: ClientCore, version: Version): IndexName {
    return { head: `${core.prefix}:~index:`, tail: `${this.spec.template}${this.#versionSuffix(version)}` }
  }

  #versionSuffix(version: Version): string {
    return `:v${encodeVersion(version, this.spec.template)}`
  }

  /** A write that could not be confirmed: CacheUnavailableError naming store, key, outcome and cause. */
  #writeFailed(core: ClientCore, op: string, key: string, error: unknown, outcome?: 'unknown'): CacheUnavailableError {
    const known = error instanceof CacheUnavailableError ? error : undefined
    const result = outcome ?? known?.outcome ?? 'unknown'
    const cause = known ?? core.secrets.safeCause(error)
    const short = key.startsWith(core.prefix) ? shortKey(core, key) : key
    const what = result === 'unknown' ? 'may or may not have been applied' : 'was not applied'
    return new CacheUnavailableError(
      `cacheme: ${op} of '${short}' in store '${this.name}' ${what}: ${cause.message.replace(/^cacheme: /, '')}`,
      { outcome: result, store: this.name, key: short, cause },
    )
  }
}

function checkGetManyOptions(options: unknown, name: string): void {
  const { settle } = checkOptions<GetManyOptions>(options, ['settle'], { kind: 'getMany', owner: `${name}.getMany()`, example: '{ settle: true }' })
  if (settle !== undefined && typeof settle !== 'boolean') {
    throw new TypeError(`cacheme: settle of ${name}.getMany() must be true or false, got ${describeValue(settle)}`)
  }
}

/** A key without the client's prefix, as the logger and the tracing channels show it. */
function shortKey(core: ClientCore, key: string): string {
  return key.slice(core.prefix.length + 1)
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
function withAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const reason = () => signal.reason ?? new DOMException('This operation was aborted', 'AbortError')
  if (signal.aborted) {
    promise.catch(() => {})
    return Promise.reject(reason())
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason())
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value) },
      (error) => { signal.removeEventListener('abort', onAbort); reject(error) },
    )
  })
}
