import { channel } from 'node:diagnostics_channel'
import type { Backend, IndexedKey, SetEntry } from '../backends/backend.js'
import { MemoryBackend } from '../backends/memory.js'
import { RedisBackend } from '../backends/redis.js'
import { CacheUnavailableError } from '../errors.js'
import type { HeldMarker, HerdContext } from '../herd/herd.js'
import { SubscriberHub } from '../herd/hub.js'
import { LocalReads } from '../local/local.js'
import { Flights } from '../store/flights.js'
import { TickBatcher, type Sink } from './batcher.js'
import { TimeBudget, UNBOUNDED, type Budget } from './budget.js'
import type { CacheOp, Logger, OpDetail } from './logger.js'
import { openConnection, type ClientOptions } from './options.js'
import type { Secrets } from './secrets.js'
import { Stats } from './stats.js'
import { resolveTimeout } from './timeout.js'

const opChannel = channel('cacheme:op')

/**
 * What every store of one client shares, and the narrow surface the stores and the herd use:
 * batched lookups and writes, the subscriber hub, in-process fills and waits by token, the
 * logger. The public `Client` keeps it in a private field; nothing here is exported from the
 * package.
 */
export class ClientCore implements HerdContext {
  readonly prefix: string
  readonly description: string
  readonly backend: Backend
  readonly timeoutMs: number
  readonly secrets: Secrets
  readonly stats = new Stats()
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
    this.#logger = options.logger
    this.description = connection.description
    this.secrets = connection.secrets
    // The in-process memory backend can't be slow or down: its calls are not bounded.
    this.timeoutMs = connection.redis ? resolveTimeout(options.timeout) : Infinity
    this.backend = connection.redis
      ? new RedisBackend(connection.redis, { owned: connection.owned, timeoutMs: this.timeoutMs, secrets: this.secrets })
      : new MemoryBackend()
    this.local = connection.redis && options.local !== undefined && options.local !== false
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

  /** The stored bytes of many keys, into `sink` by their `slots` as each node answers: one batch entry per key, no promise per key. */
  getMany(keys: readonly string[], slots: readonly number[], sink: Sink<Buffer | null | Error>): void {
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
    return (this.#hub ??= new SubscriberHub(() => this.backend.openSubscriber(), this.timeoutMs === Infinity ? 2 ** 31 - 1 : this.timeoutMs,
      (channelName, error) => this.log('', channelName, 'ERROR', { error: this.secrets.safeCause(error) })))
  }

  log(store: string, key: string, op: CacheOp, detail?: OpDetail): void {
    this.stats.count(store, op)
    // The short key is built only for someone who reads it (a HIT is logged per key).
    if (!this.#logger && !opChannel.hasSubscribers) return
    const shortKey = key.startsWith(this.prefix) ? key.slice(this.prefix.length + 1) : key
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
      await this.budget().spend(Promise.allSettled(held.map((m) => this.backend.lock.release(m.key, m.head, null)))).catch(() => {})
    }
    await this.backend.close()
  }

  /** A whole batch's failure (a closed client, a thrown error) as one Error per entry. */
  async #guard<T>(run: () => Promise<T[]>, count: number): Promise<(T | Error)[]> {
    if (this.#closed) return new Array(count).fill(new CacheUnavailableError('cacheme: the client is closed', { outcome: 'not-applied' }))
    try {
      return await run()
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error))
      return new Array(count).fill(failure)
    }
  }
}
