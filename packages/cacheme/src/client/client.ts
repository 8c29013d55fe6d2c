import { readFrame, readJsonFrame } from '../codec/frame.js'
import { describeValue } from '../describe.js'
import { CacheUnavailableError } from '../errors.js'
import type { Counters } from './core.js'
import { ClientCore } from './core.js'
import { validateClientOptions, type ClientOptions } from './options.js'
import { Pipeline } from '../pipeline.js'
import { invalidateTags } from './invalidate-tags.js'

let coreOfClient: (client: Client) => ClientCore

/** What the cache holds under one key; see `client.peek()`. */
export type KeyState = 'value' | 'lock' | 'foreign' | 'missing'

/**
 * A connection to where values live (Redis, Redis Cluster or the embedded memory backend),
 * with what every store on it shares: the prefix, the logger, in-flight work and batching.
 * Its workings are private (`ClientCore`); what a user needs is here.
 */
export class Client {
  readonly #core: ClientCore

  constructor(options?: ClientOptions) {
    this.#core = new ClientCore(validateClientOptions(options))
  }

  static {
    coreOfClient = (client) => client.#core
  }

  /** First part of every key. */
  get prefix(): string {
    return this.#core.prefix
  }

  /** Where the client points, without secrets: `redis://:***@host:6379`, `memory (...)`. */
  get description(): string {
    return this.#core.description
  }

  /** 'memory', 'redis' or 'cluster'. */
  get kind(): 'memory' | 'redis' | 'cluster' {
    return this.#core.backend.kind
  }

  get isClosed(): boolean {
    return this.#core.closed
  }

  /** A pipeline: lookups queued with `store.getP()` go out together on `execute()`. */
  pipeline(): Pipeline {
    return new Pipeline(this)
  }

  /**
   * What the cache holds under full keys (`store.key(params)`), without decoding: `'value'`
   * (a value some store wrote), `'lock'` (a fill in flight), `'foreign'` (bytes no store wrote)
   * or `'missing'`. For diagnostics and tools; one round trip per node.
   */
  async peek(keys: readonly string[]): Promise<KeyState[]> {
    if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'string')) {
      throw new TypeError(`cacheme: client.peek() takes an array of keys, got ${describeValue(keys)}`)
    }
    const found = await this.#core.backend.get(keys)
    return found.map((bytes) => {
      if (bytes instanceof Error) throw bytes
      if (bytes === null) return 'missing'
      const frame = bytes[0] === 0x7b ? readJsonFrame(bytes) : readFrame(bytes)
      return frame.kind === 'marker' ? 'lock' : frame.kind
    })
  }

  /**
   * Deletes every key of this client's prefix that carries any of `tags` (store option `tags`),
   * in every store, on every cluster master; fills in flight that carry one no longer store
   * their value. Resolves to how many keys it removed; rejects with CacheUnavailableError when
   * that could not be confirmed.
   */
  invalidateTags(tags: readonly string[]): Promise<number> {
    return invalidateTags(this.#core, tags)
  }

  /** Cumulative counts of every logger op, in total and per store. */
  stats(): { total: Counters; stores: Record<string, Counters> } {
    return this.#core.stats.snapshot()
  }

  /**
   * Resolves when the cache answers: a PING to the Redis server, or to every master of a
   * cluster, within the client `timeout` (a cluster client still connecting first waits up to
   * that long to learn its masters); the memory backend resolves at once. Rejects with
   * `CacheUnavailableError` naming the node when one does not answer in time, refuses, is
   * being skipped after failures, or when the client is closed. For readiness checks.
   */
  async ping(): Promise<void> {
    if (this.#core.closed) throw new CacheUnavailableError('cacheme: the client is closed')
    await this.#core.backend.ping()
  }

  /** Releases the lock markers it holds (within `timeout`), then every connection and timer it opened. */
  close(): Promise<void> {
    return this.#core.close()
  }

  /** What `util.inspect` and `console.log` show: where it points, never its secrets. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Client { ${this.description}, prefix '${this.prefix}'${this.isClosed ? ', closed' : ''} }`
  }
}

/** @internal The workings of a client, for the stores and pipelines of this package. */
export function coreOf(client: Client): ClientCore {
  return coreOfClient(client)
}

export function createClient(options?: ClientOptions): Client {
  return new Client(options)
}
