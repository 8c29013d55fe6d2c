import type { Backend, WriteEntry } from '../backends/backend.js'
import { MemoryBackend } from '../backends/memory.js'
import { RedisBackend } from '../backends/redis.js'
import { TickBatcher } from './batcher.js'
import { RedisGuard } from './guard.js'
import type { CacheOp, Logger } from './logger.js'
import { openConnection, validateClientOptions, type ClientOptions } from './options.js'
import { resolveTimeout } from './timeout.js'
import { SubscriberHub } from '../herd/hub.js'
import { Pipeline } from '../pipeline.js'

/**
 * A connection to where values live (Redis, Redis Cluster or the embedded memory backend),
 * with what every store on it shares: the prefix, the logger, in-flight fetches and batching.
 */
export class Client {
  readonly prefix: string
  readonly backend: Backend
  /** Where the client points, without secrets: `redis://:***@host:6379`, `memory (...)`. */
  readonly description: string
  /** In-process singleflight: one promise per key being loaded. */
  readonly flights = new Map<string, Promise<unknown>>()
  private readonly logger: Logger | undefined
  private readonly lookups: TickBatcher<string, Buffer | null>
  private readonly writes: TickBatcher<WriteEntry, void>
  private readonly guard: RedisGuard | undefined
  private hub: SubscriberHub | undefined
  private closed = false

  constructor(options?: ClientOptions) {
    const o = validateClientOptions(options)
    const connection = openConnection(o)
    this.prefix = o.prefix ?? 'cacheme'
    this.logger = o.logger
    this.description = connection.description
    this.backend = connection.redis ? new RedisBackend(connection.redis, connection.owned) : new MemoryBackend()
    // The in-process memory backend can't be unavailable: no time budget, no breaker.
    this.guard = connection.redis ? new RedisGuard(resolveTimeout(o.timeout)) : undefined
    this.lookups = new TickBatcher((keys) => this.lookupMany(keys))
    this.writes = new TickBatcher<WriteEntry, void>(async (entries) => {
      await this.guarded(() => this.backend.write(entries))
      return []
    })
  }

  /**
   * @internal Runs a Redis operation within the client's time budget, skipping Redis (rejecting
   * at once) while its circuit breaker is open after a failure.
   */
  readonly guarded = <T>(operation: () => Promise<T>): Promise<T> => {
    return this.guard ? this.guard.run(operation) : operation()
  }

  /** @internal Looks many keys up in one round trip per node, within the time budget. */
  lookupMany(keys: readonly string[]): Promise<(Buffer | null)[]> {
    return this.guarded(() => this.backend.mget(keys))
  }

  /** @internal The shared subscriber of the lock's notices; undefined if the client closed before one was needed. */
  herdHub(): SubscriberHub | undefined {
    if (this.closed) return this.hub
    return (this.hub ??= new SubscriberHub(() => this.backend.lock.openSubscriber(), this.guarded))
  }

  /** Looks a key up; lookups made in the same tick share one round trip per node. */
  lookup(key: string): Promise<Buffer | null> {
    return this.lookups.add(key)
  }

  /** Writes a value; writes made in the same tick share one round trip per node. */
  write(entry: WriteEntry): Promise<void> {
    return this.writes.add(entry)
  }

  log(store: string, key: string, op: CacheOp): void {
    if (!this.logger) return
    try {
      this.logger.log(store, key.slice(this.prefix.length + 1), op)
    } catch {
      // A broken logger must not break the cache.
    }
  }

  /** A pipeline: lookups queued with `store.getP()` go out together on `execute()`. */
  pipeline(): Pipeline {
    return new Pipeline(this)
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Releases every connection and timer this client opened. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.guard?.close()
    this.hub?.close()
    await this.backend.close()
  }
}

export function createClient(options?: ClientOptions): Client {
  return new Client(options)
}
