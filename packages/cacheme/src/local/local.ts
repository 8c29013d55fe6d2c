import { Tracking, type TrackingSink } from '../backends/tracking.js'
import type { RedisInstance } from '../client/options.js'
import type { ValueFrame } from '../codec/frame.js'
import { resolveLocal, type StoreLocal } from './options.js'
import { copyable, copyValue } from './copy.js'
import { LocalTier, type LocalEntry, type Ticket } from './tier.js'

export type { LocalEntry, Ticket }
export { copyValue } from './copy.js'

/**
 * The client's local tier: the tier (tier.ts) kept coherent by Redis's invalidations
 * (backends/tracking.ts). What a store calls: `lookup` before anything else, `reserve` before a
 * read is sent, `keep` with its reply, `drop` around each of its own writes.
 */
export class LocalReads implements TrackingSink {
  readonly tier: LocalTier
  readonly shared: boolean
  readonly #tracking: Tracking
  readonly #onError: (error: Error) => void

  constructor(option: unknown, redis: RedisInstance, onError: (error: Error) => void) {
    const settings = resolveLocal(option)!
    this.tier = new LocalTier(settings)
    this.shared = settings.shared
    this.#onError = onError
    this.#tracking = new Tracking(redis, this)
  }

  lookup(key: string): LocalEntry | undefined {
    return this.tier.lookup(key, this.#now())
  }

  #clock = 0
  #clockReads = 0
  #clockFresh = false

  /**
   * Date.now() for expiry checks, read again on the first lookup of each event-loop turn and
   * every 64th lookup within one (a loop of local hits can run on microtasks alone): a clock read
   * per hit is a tenth of a shared hit's time.
   */
  #now(): number {
    if (this.#clockFresh && (++this.#clockReads & 63) !== 0) return this.#clock
    this.#clock = Date.now()
    if (!this.#clockFresh) {
      this.#clockFresh = true
      setImmediate(() => {
        this.#clockFresh = false
      })
    }
    return this.#clock
  }

  reserve(key: string): Ticket {
    return this.tier.reserve(key, this.#tracking.nodeOf(key))
  }

  /**
   * Keeps the reply of a read (a value frame and its decoded instance) for at most the client's local TTL, the store's, and the store's TTL: the value may
   * be older than the read, but Redis's own expiry is an invalidation too.
   */
  keep(
    key: string,
    ticket: Ticket,
    frame: ValueFrame,
    value: unknown,
    store: string,
    storeLocal: StoreLocal | undefined,
    storeTtlMs: number,
  ): void {
    if (!this.#tracking.servedBy(key, ticket.node.name)) return this.tier.release(key, ticket)
    let ttlMs = this.tier.settings.ttlMs
    if (storeLocal) ttlMs = Math.min(ttlMs, storeLocal.ttlMs)
    if (storeTtlMs > 0) ttlMs = Math.min(ttlMs, storeTtlMs)
    const bytes = frame.bytes.length
    const keep = this.shared
      ? { handout: 'shared' as const, value, frame: undefined, bytes }
      : // A copy of the decoded structure is cheaper than decoding the bytes again, where it is
        // faithful. Kept as a copy of its own: the caller of this read gets `value` and may mutate it.
        copyable(value)
        ? { handout: 'copy' as const, value: copyValue(value), frame: undefined, bytes }
        : { handout: 'decode' as const, value: undefined, frame: ownBytes(frame), bytes }
    this.tier.fill(key, ticket, keep, store, ttlMs, Date.now())
  }

  release(key: string, ticket: Ticket): void {
    this.tier.release(key, ticket)
  }

  drop(key: string): void {
    this.tier.drop(key)
  }

  dropStore(store: string): void {
    this.tier.dropStore(store)
  }

  invalidate(keys: readonly string[] | null): void {
    if (keys === null) return this.tier.clear()
    for (const key of keys) this.tier.drop(key)
  }

  nodeLost(node: string): void {
    this.tier.dropWhere((_, entry) => entry.node === node)
  }

  slotsMoved(ownerOf: (key: string) => string | undefined): void {
    this.tier.dropWhere((key, entry) => ownerOf(key) !== entry.node)
  }

  failed(error: Error): void {
    this.#onError(
      new Error(`cacheme: the local tier is off, Redis refused tracking (${error.message}); values are read from Redis`, { cause: error }),
    )
  }

  close(): void {
    this.#tracking.close()
    this.tier.clear()
  }
}

/**
 * A reply's bytes are a slice of the socket's read chunk (tens of KB): kept as they are, one
 * small value would hold the whole chunk in memory. Copied into a buffer of their own then.
 */
function ownBytes(frame: ValueFrame): ValueFrame {
  const { bytes } = frame
  if (bytes.buffer.byteLength <= bytes.length * 2 + 64) return frame
  const copy = Buffer.allocUnsafeSlow(bytes.length)
  bytes.copy(copy)
  return { kind: 'value', bytes: copy, start: frame.start, end: frame.end }
}
