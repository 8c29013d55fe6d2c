import type { IndexName } from '../backends/backend.js'
import type { Budget } from '../client/budget.js'
import { Client, coreOf } from '../client/client.js'
import type { ClientCore, Counters } from '../client/core.js'
import { defaultClient } from '../client/default-client.js'
import { getTraces, tracedFetch, tracedGet } from '../client/tracing.js'
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
 * The store layer of the hit path (store → client core → backend → codec; the package README's
 * "life of a get"): `get` builds the key (`#keyOn`, remembered by the KeyMemo below), serves it
 * from the local tier or joins a load of it (`#shared`), whose lookup goes into this tick's batch
 * on the client (`ClientCore.get` → `RedisBackend.get` → Redis GET/MGET, one round trip per node);
 * a hit is decoded here (`format.hit`), everything else is settled by the herd (herd.ts
 * `afterLookup`: a miss takes the lock, fetches and commits; a marker is joined or waited on; a
 * failure falls back to the fetcher).
 */
export class Store<P extends object = Params, T = unknown> {
  readonly name: string
  /** @internal */ readonly spec: StoreSpec
  readonly #options: NormalizedOptions<T>
  readonly #fetcher: Fetcher<P, T>
  /** Keys by param value, for a store with one placeholder and a fixed version. */
  readonly #keyMemo: KeyMemo | undefined
  /** That placeholder's name. */
  readonly #memoParam: string
  /** The key's `:v${version}` end, built once when the version is fixed (not a function). */
  readonly #fixedVersionSuffix: string | undefined
  /** With `fetchMany`: the misses of one lookup batch are filled together (herd/batch.ts). */
  readonly #batches: BatchLoader<P, T> | undefined
  /** The core of the store's `client` option (undefined: the default client's, asked each call). */
  readonly #boundCore: ClientCore | undefined
  /** This store's counters in the stats of `#countsOn` (a hit counts into them directly). */
  #counts: Counters | undefined
  #countsOn: ClientCore | undefined

  constructor(spec: StoreSpec, fetcher: Fetcher<P, T>, ttlOrOptions?: Ttl | StoreOptions<T, P>) {
    if (typeof fetcher !== 'function') {
      throw new TypeError(`cacheme: the fetcher of '${spec.template}' must be a function (params) => value, got ${describeValue(fetcher)}`)
    }
    this.spec = spec
    this.#fetcher = fetcher
    this.#options = normalizeOptions(
      ttlOrOptions,
      spec.template,
      { ttlMs: spec.ttl, name: spec.name, version: spec.version },
      (value) => value instanceof Client,
      spec.params,
    )
    this.name = this.#options.name
    const { version } = this.#options
    this.#fixedVersionSuffix = typeof version === 'function' ? undefined : this.#versionSuffix(version)
    this.#batches = this.#options.fetchMany ? new BatchLoader(this.#options.fetchMany) : undefined
    this.#keyMemo = spec.params.length === 1 && this.#fixedVersionSuffix !== undefined ? new KeyMemo() : undefined
    this.#memoParam = spec.params[0] ?? ''
    this.#boundCore = this.#options.client ? coreOf(this.#options.client) : undefined
  }

  /** The same store with a fetcher and options bound at a call site (the compiler's output uses this). */
  with<Q extends object, U>(fetcher: Fetcher<Q, U>, ttlOrOptions?: Ttl | StoreOptions<U, Q>): Store<Q, U> {
    return new Store(this.spec, fetcher, ttlOrOptions)
  }

  /** The full Redis key: `${prefix}:${rendered template}:v${version}`. */
  key(params: P): string {
    return this.#keyOn(this.#core(), params)
  }

  /** The cached value, or fetch, store and return it. */
  get(params: P, options?: GetOptions): Promise<T> {
    try {
      const signal = options?.signal
      if (signal !== undefined && !(signal instanceof AbortSignal)) {
        throw new TypeError(`cacheme: signal of ${this.name}.get() must be an AbortSignal, got ${describeValue(signal)}`)
      }
      const core = this.#core()
      const key = this.#keyOn(core, params)
      const flight = getTraces.hasSubscribers
        ? tracedGet(
            this.name,
            () => core.shortKey(key),
            () => this.#shared(core, key, params),
          )
        : this.#shared(core, key, params)
      return signal === undefined ? flight : withAbort(flight, signal)
    } catch (error) {
      return Promise.reject(error)
    }
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
      const core = this.#core()
      const { keys, repeats } = this.#keysOf(core, paramsList)
      // With fetchMany or a local tier, key by key: through the batch's tickets / the tier's.
      if (this.#batches || this.#localOf(core)) return this.#getEach(core, keys, paramsList, options?.settle === true)
      // One batch entry per distinct key, answers into one array; only a key that is not a hit
      // gets a promise (the herd's), so a warm getMany costs one promise, not one per key.
      const started = performance.now()
      const { format } = this.#options
      const many = new ManyGet<T>(keys, options?.settle === true, {
        hit: format.hit,
        logHit: (key) => core.logHit(this.#countsIn(core), this.name, key, 'HIT'),
        settle: (slot, found) =>
          settle(this.#loadOf(core, keys[slot]!, paramsList[slot]!, core.budget(performance.now() - started)), found),
      })
      many.start(core, this.#options.singleflight ? core.flights : undefined, repeats)
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
      if (!loads.has(key)) loads.set(key, this.#shared(core, key, paramsList[i]!))
    }
    const all = keys.map((key) => loads.get(key)!)
    return settle ? Promise.allSettled(all) : Promise.all(all)
  }

  /** Queues a lookup on `pipeline`; the promise settles after `pipeline.execute()`. */
  getP(pipeline: Pipeline, params: P): Promise<T> {
    const client = this.#client()
    if (!(pipeline instanceof Pipeline)) {
      throw new TypeError(
        `cacheme: ${this.name}.getP() takes a pipeline from client.pipeline() or pipeline(), got ${describeValue(pipeline)}`,
      )
    }
    if (pipeline.client !== client) {
      throw new Error(
        `cacheme: ${this.name}.getP() got a pipeline of another client (${pipeline.client.description}) than the store's (${client.description})`,
      )
    }
    const core = coreOf(client)
    const key = this.#keyOn(core, params)
    return pipeline.enqueue(() => this.#shared(core, key, params))
  }

  /**
   * Fetches now, stores and returns the fresh value. It takes the lock over whatever the key
   * holds, so a fill in flight elsewhere can no longer store its older value, and its own write
   * is fenced: an invalidate or set that resolves during the fetch is not overwritten.
   */
  async refresh(params: P): Promise<T> {
    const core = this.#core()
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
    const core = this.#core()
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
    const core = this.#core()
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
    const core = this.#core()
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

  #core(): ClientCore {
    return this.#boundCore ?? coreOf(defaultClient())
  }

  /** This store's counters on `core` (client.stats()), found once per client, not per hit. */
  #countsIn(core: ClientCore): Counters {
    if (this.#countsOn !== core) {
      this.#counts = core.stats.of(this.name)
      this.#countsOn = core
    }
    return this.#counts!
  }

  #version(): Version {
    const { version } = this.#options
    return typeof version === 'function' ? checkVersion(version(), this.name) : version
  }

  /** The one place a get, a getMany key and a getP look in the local tier, then load (joined under singleflight). */
  #shared(core: ClientCore, key: string, params: P): Promise<T> {
    // A local hit is never a flight: it sends no lookup, so the open batch (which ends a flight's
    // joinable life) would not move on, and later callers would join it past an invalidation.
    const local = this.#fromLocal(core, key)
    if (local !== undefined) return local
    return this.#options.singleflight
      ? core.flights.run(key, () => this.#lookupAndSettle(core, key, params))
      : this.#lookupAndSettle(core, key, params)
  }

  /**
   * One lookup (in this tick's batch), then the herd acts on what it found. The lookup needs no
   * timer of its own: it is the call's first cache work, and its node bounds it by the same
   * timeout (NodeHealth, backends/redis.ts); what it took is charged to the budget of what follows.
   */
  async #lookupAndSettle(core: ClientCore, key: string, params: P): Promise<T> {
    const started = performance.now()
    const local = this.#localOf(core)
    // The ticket goes in before the read is sent: an invalidation meanwhile removes it (local/tier.ts).
    const ticket = local?.reserve(key)
    const batch = this.#batches?.join(core)
    let found: Buffer | null | Error
    let frame: Frame | undefined
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
        core.logHit(this.#countsIn(core), this.name, key, 'HIT')
        batch?.skip()
        return value
      }
      frame = format.read(found)
      if (ticket) this.#keepFresh(local!, key, ticket, frame)
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
    const kind = frame?.kind
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
      value =
        entry.handout === 'shared'
          ? (entry.value as T)
          : entry.handout === 'copy'
            ? copyValue(entry.value as T)
            : this.#options.format.decode(entry.frame!)
    } catch {
      core.local!.drop(key)
      return undefined
    }
    core.logHit(this.#countsIn(core), this.name, key, 'LOCAL')
    return Promise.resolve(value)
  }

  #loadOf(core: ClientCore, key: string, params: P, budget: Budget): Load<T> {
    const { ttlMs, format, lock, singleflight, fresh, tags } = this.#options
    const keyTags = tags?.of(core.prefix, params)
    const control = (stale?: { value: T }) => new FetchControl<T>(this.name, core.shortKey(key), ttlMs, fresh.hardMs, stale)
    return {
      core,
      store: this.name,
      key,
      index: this.#index(core, this.#version()),
      ttlMs: physicalTtl(ttlMs, fresh),
      format,
      lock,
      singleflight,
      budget,
      fresh,
      control,
      fetch: (run = control()) =>
        run.run(() =>
          tracedFetch(
            this.name,
            () => core.shortKey(key),
            () => this.#fetcher(params, run.context()),
          ),
        ),
      tags: keyTags?.marker,
      valueTags: keyTags?.value,
    }
  }

  #keyOn(core: ClientCore, params: P): string {
    const entry = this.#remembered(core, params)
    return entry === undefined ? this.#buildKey(core, params) : entry.key
  }

  /** The key memo's entry for `params` (made on first use); undefined: no memo, it pauses, or not a plain value. */
  #remembered(core: ClientCore, params: P): MemoKey | undefined {
    const memo = this.#keyMemo
    if (memo === undefined || params === null || typeof params !== 'object') return undefined
    const value = (params as Record<string, unknown>)[this.#memoParam]
    if (typeof value !== 'number' && typeof value !== 'string') return undefined
    const known = memo.find(core, value)
    return known === null ? memo.remember(value, this.#buildKey(core, params)) : known
  }

  /**
   * The keys of a getMany list, and whether one repeats: known (true / false) when every key came
   * from the key memo, as an entry met twice in the list (no set of keys to build); undefined
   * otherwise (ManyGet finds out).
   */
  #keysOf(core: ClientCore, paramsList: readonly P[]): { keys: string[]; repeats: boolean | undefined } {
    const keys = new Array<string>(paramsList.length)
    const memo = this.#keyMemo
    const list = memo?.nextList() ?? 0
    const clears = memo?.clears
    let marked = memo !== undefined
    let repeats = false
    for (let i = 0; i < keys.length; i++) {
      const params = paramsList[i]!
      const entry = this.#remembered(core, params)
      if (entry === undefined) {
        marked = false
        keys[i] = this.#buildKey(core, params)
        continue
      }
      if (entry.seen === list) repeats = true
      entry.seen = list
      keys[i] = entry.key
    }
    // Emptied meanwhile, the memo forgot the marks of the keys before.
    return { keys, repeats: marked && memo!.clears === clears ? repeats : undefined }
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
    const short = core.shortKey(key)
    const what = result === 'unknown' ? 'may or may not have been applied' : 'was not applied'
    return new CacheUnavailableError(
      `cacheme: ${op} of '${short}' in store '${this.name}' ${what}: ${cause.message.replace(/^cacheme: /, '')}`,
      { outcome: result, store: this.name, key: short, cause },
    )
  }
}

function checkGetManyOptions(options: unknown, name: string): void {
  const { settle } = checkOptions<GetManyOptions>(options, ['settle'], {
    kind: 'getMany',
    owner: `${name}.getMany()`,
    example: '{ settle: true }',
  })
  if (settle !== undefined && typeof settle !== 'boolean') {
    throw new TypeError(`cacheme: settle of ${name}.getMany() must be true or false, got ${describeValue(settle)}`)
  }
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
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

/**
 * How many keys a store remembers; past that it starts over (a bound, not a cache policy). At
 * 1,024 the warm bench's 2,000 keys overflowed it on every pass, so it paused and built every key
 * (getMany(20) of those keys: 48 µs CPU at 1,024, 44 µs at 4,096, bench/ab.mjs pattern w). 4,096
 * short strings are at most a few hundred KB per store, and a store whose ids hardly repeat gives
 * them back when it pauses.
 */
const KEY_MEMO_SIZE = 4096
/** After a full memo served fewer hits than it holds, this many keys are built without it. */
const PAUSE = KEY_MEMO_SIZE * 16

/**
 * The full keys of a single-placeholder store with a fixed version, by param value. A key built
 * by concatenation is a fresh string that every Map lookup (singleflight, batching) must flatten
 * and hash again; handing out the same string object for the same id makes a hit on a hot key
 * skip rendering and hashing. Holds key strings only, never values; bound to one client (the
 * prefix is the client's). When ids hardly repeat, remembering costs more than it saves, so the
 * memo pauses. A getMany marks the entries its list meets (`nextList`, `MemoKey.seen`): an entry
 * met twice is a repeated key, found without a set of the list's keys (1.2-1.7 µs of a warm
 * getMany(20)).
 */
class KeyMemo {
  private readonly keys = new Map<string | number, MemoKey>()
  private client: object | undefined
  private hits = 0
  private paused = 0
  /** How often the memo was emptied: a getMany list that saw this change can't trust its marks. */
  clears = 0
  #lists = 0

  /**
   * The remembered key of `value` on `client`; null: build it, then `remember` it; undefined:
   * build it, the memo pauses.
   */
  find(client: object, value: string | number): MemoKey | null | undefined {
    // The client first: a paused memo must not remember another client's key under this one.
    if (this.client !== client) {
      this.#clear()
      this.client = client
    }
    if (this.paused > 0) {
      this.paused--
      return undefined
    }
    const entry = this.keys.get(value)
    if (entry === undefined) return null
    this.hits++
    return entry
  }

  /**
   * Remembers `key` for `value` and returns its entry. A number and its decimal string render the
   * same key (README: `1` and `'1'` are the same param), and share one entry, so a getMany sees
   * them as the repeat they are.
   */
  remember(value: string | number, key: string): MemoKey {
    if (this.keys.size >= KEY_MEMO_SIZE) {
      if (this.hits < KEY_MEMO_SIZE) this.paused = PAUSE
      this.#clear() // paused or starting over: nothing is kept meanwhile
      if (this.paused > 0) return { key, seen: 0 }
    }
    const alias = typeof value === 'number' ? String(value) : asNumber(value)
    const other = alias === undefined ? undefined : this.keys.get(alias)
    const entry = other !== undefined && other.key === key ? other : { key, seen: 0 }
    this.keys.set(value, entry)
    return entry
  }

  /** A new mark for the entries one getMany list meets (MemoKey.seen). */
  nextList(): number {
    return ++this.#lists
  }

  #clear(): void {
    this.keys.clear()
    this.hits = 0
    this.clears++
  }
}

/** A remembered key; `seen` is the mark of the last getMany list that met it (KeyMemo.nextList). */
interface MemoKey {
  readonly key: string
  seen: number
}

/** The number a decimal string is the text of ('12' → 12; '012', '1e3', '' → undefined). */
function asNumber(text: string): number | undefined {
  const n = Number(text)
  return text !== '' && String(n) === text ? n : undefined
}
