import { channel } from 'node:diagnostics_channel'
import type { Backend, IndexedKey, SetEntry } from '../backends/backend.js'
import { MemoryBackend } from '../backends/memory.js'
import { RedisBackend } from '../backends/redis.js'
import { CacheUnavailableError } from '../errors.js'
import type { HeldMarker, HerdContext } from '../herd/herd.js'
import { SubscriberHub } from '../herd/hub.js'
import { LocalReads } from '../local/local.js'
import { TimeBudget, UNBOUNDED, type Budget } from './budget.js'
import type { CacheOp, Logger, OpDetail } from './logger.js'
import { openConnection, type ClientOptions } from './options.js'
import type { Secrets } from './secrets.js'
import { resolveTimeout } from './timeout.js'

const opChannel = channel('cacheme:op')

/**
 * The client layer of the hit path (store → client core → backend → codec; the package README's
 * "life of a get"): what every store of one client shares, and the narrow surface the stores and
 * the herd use. Its parts, each below: the tick batcher of lookups and writes (`TickBatcher`), the
 * joinable loads of the open batch (`Flights`), the counters of `client.stats()` (`Stats`) and the
 * log; besides, the subscriber hub, in-process fills and waits by token. The public `Client`
 * keeps it in a private field; nothing here is exported from the package.
 */
export class ClientCore implements HerdContext {
  readonly prefix: string
  readonly description: string
  readonly backend: Backend
  readonly timeoutMs: number
  readonly secrets: Secrets
  readonly stats = new Stats()
  /** Where a key's part after the prefix starts: `${prefix}:`. */
  readonly #keyStart: string
  /** In-process fills by holder token: a caller that sees this process's own marker joins its fill. */
  readonly fills = new Map<string, Promise<unknown>>()
  /** In-process waits on another process's fill, by key and token. */
  readonly waits = new Map<string, Promise<unknown>>()
  /** Fetches made while the cache is unavailable, by key: still one per key in this process. */
  readonly fallbacks = new Map<string, Promise<unknown>>()
  /** Markers held right now, released by close(). */
  readonly held = new Set<HeldMarker>()
  readonly lookups: TickBatcher<string, Buffer | null | Error>
  /** Loads of this client whose lookups are not sent yet, by key. */
  readonly flights: Flights
  readonly #sets: TickBatcher<SetEntry, Error | undefined>
  readonly #dels: TickBatcher<IndexedKey, Error | undefined>
  /** The local tier (client option `local`, on Redis only), or undefined. */
  readonly local: LocalReads | undefined
  readonly #logger: Logger | undefined
  #hub: SubscriberHub | undefined
  #closed = false

  constructor(options: ClientOptions) {
    const connection = openConnection(options)
    this.prefix = options.prefix ?? 'cacheme'
    this.#keyStart = `${this.prefix}:`
    this.#logger = options.logger
    this.description = connection.description
    this.secrets = connection.secrets
    // The in-process memory backend can't be slow or down: its calls are not bounded.
    this.timeoutMs = connection.redis ? resolveTimeout(options.timeout) : Infinity
    this.backend = connection.redis
      ? new RedisBackend(connection.redis, { owned: connection.owned, timeoutMs: this.timeoutMs, secrets: this.secrets })
      : new MemoryBackend()
    this.local =
      connection.redis && options.local !== undefined && options.local !== false
        ? new LocalReads(options.local, connection.redis, (error) => this.log('', '', 'ERROR', { error }))
        : undefined
    this.lookups = new TickBatcher((keys, deliver) => this.#guard(() => this.backend.get(keys, deliver), keys.length))
    this.flights = new Flights(this.lookups)
    this.#sets = new TickBatcher((entries, deliver) => this.#guard(() => this.backend.set(entries, deliver), entries.length))
    this.#dels = new TickBatcher((entries, deliver) => this.#guard(() => this.backend.del(entries, deliver), entries.length))
  }

  get closed(): boolean {
    return this.#closed
  }

  /** The budget of one call's cache work, of which `spentMs` are used already. */
  budget(spentMs = 0): Budget {
    return this.timeoutMs === Infinity ? UNBOUNDED : new TimeBudget(this.timeoutMs, spentMs)
  }

  /** The stored bytes of a key (or the Error of its node); lookups made in one tick share one round trip per node. */
  get(key: string): Promise<Buffer | null | Error> {
    return this.lookups.add(key)
  }

  /**
   * The stored bytes of many keys, into `sink` by their `slots` (undefined: their indexes) as
   * each node answers: one batch entry per key, no promise per key.
   */
  getMany(keys: readonly string[], slots: readonly number[] | undefined, sink: Sink<Buffer | null | Error>): void {
    this.lookups.addMany(keys, slots, sink)
  }

  /** Writes a value (fencing fills in flight); writes of one tick share one round trip per node. */
  set(entry: SetEntry): Promise<Error | undefined> {
    return this.#sets.add(entry)
  }

  /** Deletes a key (a marker too); deletes of one tick share one round trip per node. */
  del(entry: IndexedKey): Promise<Error | undefined> {
    return this.#dels.add(entry)
  }

  /** The shared subscriber of the lock's notices; undefined once the client is closed. */
  hub(): SubscriberHub | undefined {
    if (this.#closed) return undefined
    return (this.#hub ??= new SubscriberHub(
      () => this.backend.openSubscriber(),
      this.timeoutMs === Infinity ? 2 ** 31 - 1 : this.timeoutMs,
      (channelName, error) => this.log('', channelName, 'ERROR', { error: this.secrets.safeCause(error) }),
    ))
  }

  /** A key as the logger, the channels and errors name it: without the client's prefix. */
  shortKey(key: string): string {
    return key.startsWith(this.#keyStart) ? key.slice(this.#keyStart.length) : key
  }

  /** Counts `op` (client.stats()) and tells the logger and the `cacheme:op` channel, if anyone listens. */
  log(store: string, key: string, op: CacheOp, detail?: OpDetail): void {
    this.stats.count(store, op)
    if (this.#logger !== undefined || opChannel.hasSubscribers) this.#tell(store, key, op, detail)
  }

  /**
   * log() of a hit, counted into the store's own counters (`stats.of(store)`, which the store
   * keeps): a hit, logged per key, costs one increment and two reads when nobody listens.
   */
  logHit(counters: Counters, store: string, key: string, op: 'HIT' | 'LOCAL'): void {
    if (op === 'HIT') counters.hits++
    else counters.localHits++
    if (this.#logger !== undefined || opChannel.hasSubscribers) this.#tell(store, key, op, undefined)
  }

  /** The short key is built only for someone who reads it. */
  #tell(store: string, key: string, op: CacheOp, detail: OpDetail | undefined): void {
    const shortKey = this.shortKey(key)
    if (opChannel.hasSubscribers) opChannel.publish({ store, key: shortKey, op, detail })
    if (!this.#logger) return
    try {
      this.#logger.log(store, shortKey, op, detail)
    } catch {
      // A broken logger must not break the cache.
    }
  }

  /** Releases the markers still held (bounded by the timeout), then every connection and timer. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#hub?.close()
    this.local?.close()
    const held = [...this.held]
    if (held.length > 0) {
      await this.budget()
        .spend(Promise.allSettled(held.map((m) => this.backend.lock.release(m.key, m.head, null))))
        .catch(() => {})
    }
    await this.backend.close()
  }

  /**
   * A whole batch's failure (a closed client, a thrown error) as one Error per entry. Not an
   * async function: a batch's answer reaches its callers one promise hop sooner.
   */
  #guard<T>(run: () => Promise<T[]>, count: number): Promise<(T | Error)[]> {
    if (this.#closed) {
      return Promise.resolve(new Array(count).fill(new CacheUnavailableError('cacheme: the client is closed', { outcome: 'not-applied' })))
    }
    const failed = (error: unknown) => new Array<Error>(count).fill(error instanceof Error ? error : new Error(String(error)))
    try {
      return run().then(undefined, failed)
    } catch (error) {
      return Promise.resolve(failed(error))
    }
  }
}

/**
 * Collects requests made while the current task runs (its synchronous code and every promise
 * reaction it triggers) and hands them to `flush` together on `process.nextTick`, which Node
 * runs once the microtask queue is empty and before it returns to the event loop: concurrent
 * lookups share one round trip, and a lone request never waits on a timer or on I/O.
 *
 * Why not `queueMicrotask`: a flush queued as a microtask runs before the reactions queued
 * after it, so requests made a few `await`s deeper than the first one (one reply resolving
 * many callers, each resuming at its own depth) miss the batch and cost another round trip.
 * Why not `setImmediate`: it waits for the event loop's check phase, after pending I/O.
 *
 * `batch` numbers the batch that is still open: a request made in it has not been sent yet,
 * which is what lets a later caller join it safely (see Flights below).
 *
 * `flush` may `deliver` an output before the whole batch is done (a cluster batch spans nodes,
 * and a healthy node's keys must not wait for a sick one's); what it resolves to settles the rest.
 */
export class TickBatcher<I, O> {
  // Parallel arrays, not an object per request: a warm getMany(20) puts 20 requests here.
  #inputs: I[] = []
  #sinks: Sink<O>[] = []
  #slots: number[] = []
  #batch = 0

  constructor(private readonly flush: (inputs: I[], deliver: (i: number, output: O) => void) => Promise<O[]>) {}

  /** The number of the batch a request made now goes into. */
  get batch(): number {
    return this.#batch
  }

  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#push(input, new Pending(resolve, reject), 0)
    })
  }

  /**
   * Requests `inputs` in this batch; `sink` gets each output as `deliver(slots[j], output)` (slot
   * `j` without `slots`) as soon as it is known (once per request), or `fail(slot, error)`. No
   * promise per request: a batch of lookups (getMany) takes its answers into one array.
   */
  addMany(inputs: readonly I[], slots: readonly number[] | undefined, sink: Sink<O>): void {
    for (let j = 0; j < inputs.length; j++) this.#push(inputs[j]!, sink, slots === undefined ? j : slots[j]!)
  }

  #push(input: I, sink: Sink<O>, slot: number): void {
    if (this.#inputs.push(input) === 1) process.nextTick(this.#run)
    this.#sinks.push(sink)
    this.#slots.push(slot)
  }

  readonly #run = (): void => {
    const inputs = this.#inputs
    const sinks = this.#sinks
    const slots = this.#slots
    this.#inputs = []
    this.#sinks = []
    this.#slots = []
    this.#batch++
    // Each request is answered once: the early deliveries, then the final pass for the rest.
    const answered = new Uint8Array(inputs.length)
    const deliver = (i: number, output: O) => {
      if (i >= inputs.length || answered[i]) return
      answered[i] = 1
      sinks[i]!.deliver(slots[i]!, output)
    }
    let pending: Promise<O[]>
    try {
      pending = this.flush(inputs, deliver)
    } catch (error) {
      pending = Promise.reject(error)
    }
    pending.then(
      (outputs) => {
        for (let i = 0; i < inputs.length; i++) deliver(i, outputs[i]!)
      },
      (error: unknown) => {
        for (let i = 0; i < inputs.length; i++) {
          if (answered[i]) continue
          answered[i] = 1
          sinks[i]!.fail(slots[i]!, error)
        }
      },
    )
  }
}

/** Where a request's output goes: `slot` is what the requester gave with it. */
export interface Sink<O> {
  deliver(slot: number, output: O): void
  fail(slot: number, error: unknown): void
}

/** The sink of a single request: its promise. */
class Pending<O> implements Sink<O> {
  constructor(
    readonly resolve: (output: O) => void,
    readonly reject: (error: unknown) => void,
  ) {}
  deliver(_slot: number, output: O): void {
    this.resolve(output)
  }
  fail(_slot: number, error: unknown): void {
    this.reject(error)
  }
}

/** A batch of loads (one getMany) that looks a key up in the open batch, and lets others join it. */
export interface FlightOwner {
  /** Its keys (repeats allowed). */
  readonly keys: readonly string[]
  /** The outcome of this owner's load of `key`. */
  join(key: string): Promise<unknown>
}

/**
 * In-process singleflight of lookups, limited to what is safe: a caller joins another's load of
 * the same key only while that load's lookup has not been sent (it is still in the open batch of
 * the client's lookup batcher). A lookup already on the wire may have been answered before a
 * write that resolved before this caller started, so a later caller sends its own (batched with
 * every other caller of its tick). What a lookup finds (this process's own marker, another
 * process's marker) is joined in herd.ts, under the same rule.
 *
 * The flights of one batch live in one map, dropped once that batch is sent (nobody can join
 * them after): no bookkeeping per load on the hit path. A key's flight is a load's promise, or
 * the getMany that looks it up (a `FlightOwner`, which makes a promise only for a joiner).
 */
export class Flights {
  #flights = new Map<string, Promise<unknown> | FlightOwner>()
  /**
   * A getMany alone in the open batch so far, its keys not in `#flights` yet: they are put there
   * only when another load of the batch asks (most batches of a getMany hold nothing else, and
   * twenty map operations were a sixth of its own CPU).
   */
  #alone: FlightOwner | undefined
  #batch = -1

  constructor(private readonly lookups: { readonly batch: number }) {}

  run<T>(key: string, load: () => Promise<T>): Promise<T> {
    const flights = this.#open()
    const existing = flights.get(key)
    if (existing !== undefined) return (existing instanceof Promise ? existing : existing.join(key)) as Promise<T>
    const promise = load()
    flights.set(key, promise)
    return promise
  }

  /**
   * The load of `key` that a caller may join now; if there is none, `owner` looks `key` up in the
   * open batch from now on (undefined is returned). One map operation per key of a getMany that
   * is not alone in its batch (`claimAlone`).
   */
  claim(key: string, owner: FlightOwner): Promise<unknown> | FlightOwner | undefined {
    const flights = this.#open()
    const existing = flights.get(key)
    if (existing === undefined) flights.set(key, owner)
    return existing
  }

  /**
   * Claims all of `owner`'s keys at once if the open batch has no other load (true): there is
   * nothing to join, and they are indexed only if a later load of this batch asks. False: claim
   * key by key.
   */
  claimAlone(owner: FlightOwner): boolean {
    this.#rollOver()
    if (this.#alone !== undefined || this.#flights.size > 0) return false
    this.#alone = owner
    return true
  }

  /** Later callers start afresh instead of joining a load that began before (a write of this process). */
  forget(key: string): void {
    this.#open().delete(key)
  }

  /** The open batch's flights, the lone getMany's keys among them. */
  #open(): Map<string, Promise<unknown> | FlightOwner> {
    this.#rollOver()
    const alone = this.#alone
    if (alone !== undefined) {
      this.#alone = undefined
      const flights = this.#flights
      for (const key of alone.keys) if (!flights.has(key)) flights.set(key, alone)
    }
    return this.#flights
  }

  /** A new batch is open once the one of the flights held was sent: nobody can join them now. */
  #rollOver(): void {
    const batch = this.lookups.batch
    if (batch === this.#batch) return
    this.#batch = batch
    this.#alone = undefined
    if (this.#flights.size > 0) this.#flights = new Map()
  }
}

/** Cumulative counts of one store, or of a whole client. */
export interface Counters {
  hits: number
  localHits: number
  misses: number
  fetches: number
  waits: number
  stale: number
  errors: number
}

const FIELD: Partial<Record<CacheOp, keyof Counters>> = {
  HIT: 'hits',
  LOCAL: 'localHits',
  MISS: 'misses',
  FETCH: 'fetches',
  WAIT: 'waits',
  STALE: 'stale',
  ERROR: 'errors',
}

const FIELDS = Object.values(FIELD) as (keyof Counters)[]

function zero(): Counters {
  return { hits: 0, localHits: 0, misses: 0, fetches: 0, waits: 0, stale: 0, errors: 0 }
}

/**
 * What `client.stats()` returns: counters of every logger op, per store and in total. The total
 * is summed when asked, so a count is one increment of the store's counters.
 */
export class Stats {
  /** Ops logged without a store (a subscriber's error): counted in the total only. */
  readonly #unattributed = zero()
  readonly #stores = new Map<string, Counters>()

  /** A store's counters, made on its first counted op (a store with none is not listed). */
  of(store: string): Counters {
    let counters = this.#stores.get(store)
    if (!counters) this.#stores.set(store, (counters = zero()))
    return counters
  }

  count(store: string, op: CacheOp): void {
    const field = FIELD[op]
    if (!field) return
    const counters = store === '' ? this.#unattributed : this.of(store)
    counters[field]++
  }

  snapshot(): { total: Counters; stores: Record<string, Counters> } {
    const total = { ...this.#unattributed }
    const stores: Record<string, Counters> = {}
    for (const [name, counters] of this.#stores) {
      // Defined, not assigned: a store may be named '__proto__', which assignment would make the prototype.
      Object.defineProperty(stores, name, { value: { ...counters }, enumerable: true, writable: true, configurable: true })
      for (const field of FIELDS) total[field] += counters[field]
    }
    return { total, stores }
  }
}
