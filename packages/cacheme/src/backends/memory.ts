import { MARKER_HEAD_LENGTH, MARKER_MAGIC } from '../codec/frame.js'
import { perKeyBatchLock } from './batch-lock.js'
import type {
  AcquireMode,
  AcquireResult,
  Backend,
  BatchLock,
  IndexName,
  IndexedKey,
  Lock,
  SetEntry,
  SubscriberConnection,
} from './backend.js'

interface Entry {
  value: Buffer
  expiresAt: number
}

/** Notices of in-process fills reach their waiters through the hub directly: nothing to subscribe. */
const IN_PROCESS: SubscriberConnection = {
  subscribe: async () => {},
  unsubscribe: async () => {},
  onMessage: () => {},
  onReconnect: () => {},
  close: () => {},
}

/**
 * In-process storage with Redis semantics (TTL, indexes, the lock's fencing), for development
 * and tests. Its lock is what fences a fill's write off after an invalidate, refresh or set
 * within the process (singleflight alone can't).
 */
export class MemoryBackend implements Backend {
  readonly kind = 'memory' as const
  readonly #entries = new Map<string, Entry>()
  readonly #indexes = new Map<string, Map<string, number>>()

  async get(keys: readonly string[]): Promise<(Buffer | null)[]> {
    // Each reader gets its own bytes, as from Redis: a decoded Buffer or typed array may be a
    // view of them, and a caller mutating it must not change the cached value.
    return keys.map((key) => {
      const value = this.#read(key)
      return value && Buffer.from(value)
    })
  }

  async set(entries: readonly SetEntry[]): Promise<undefined[]> {
    for (const entry of entries) this.#write(entry)
    return new Array(entries.length).fill(undefined)
  }

  async del(entries: readonly IndexedKey[]): Promise<undefined[]> {
    for (const { key, index } of entries) {
      this.#entries.delete(key)
      this.#indexes.get(indexKey(index))?.delete(key)
    }
    return new Array(entries.length).fill(undefined)
  }

  async delIndexed(index: IndexName): Promise<number> {
    const name = indexKey(index)
    const members = this.#indexes.get(name)
    if (!members) return 0
    this.#indexes.delete(name)
    let removed = 0
    for (const key of members.keys()) {
      if (this.#read(key) !== null) removed++
      this.#entries.delete(key)
    }
    return removed
  }

  async delTagged(tags: readonly IndexName[], pending: IndexName): Promise<number> {
    const fills = this.#indexes.get(indexKey(pending))
    if (fills) {
      this.#indexes.delete(indexKey(pending))
      for (const key of fills.keys()) {
        const current = this.#read(key)
        if (current !== null && isMarker(current)) this.#entries.delete(key)
      }
    }
    let removed = 0
    for (const tag of tags) {
      const name = indexKey(tag)
      const members = this.#indexes.get(name)
      if (!members) continue
      this.#indexes.delete(name)
      for (const key of members.keys()) {
        if (this.#read(key) !== null) removed++
        this.#entries.delete(key)
      }
    }
    return removed
  }

  readonly lock: Lock = {
    acquire: async (entry: IndexedKey, head: Buffer, lockTtlMs: number, how: AcquireMode, ttlMs: number): Promise<AcquireResult> => {
      const { key } = entry
      const current = this.#read(key)
      if (how.mode === 'force' || current === null || ('bytes' in how && current.equals(how.bytes))) {
        const keep = (how.mode === 'force' || how.mode === 'revalidate') && current
        this.#put(key, keep ? Buffer.concat([head, this.#kept(key, current)]) : head, lockTtlMs)
        this.#index(entry, ttlMs)
        return how.mode === 'force' && current ? { acquired: true, replaced: Buffer.from(current) } : { acquired: true }
      }
      const expiresAt = this.#entries.get(key)!.expiresAt
      return { acquired: false, current: Buffer.from(current), pttlMs: expiresAt === Infinity ? -1 : Math.max(0, expiresAt - Date.now()) }
    },
    extend: async ({ key }, head, lockTtlMs) => {
      const current = this.#ours(key, head)
      if (!current) return false
      this.#put(key, current, lockTtlMs)
      return true
    },
    commit: async (entry, head) => {
      if (!this.#ours(entry.key, head)) return { done: false }
      this.#write(entry)
      if (entry.pending) this.#indexes.get(indexKey(entry.pending))?.delete(entry.key)
      return { done: true }
    },
    release: async (key, head) => {
      const current = this.#ours(key, head)
      if (!current) return { done: false }
      this.#entries.delete(key)
      if (current.length > head.length + 8) {
        // A refresh's marker gives back the value it kept, until that value's own expiry.
        const expiresAt = current.readDoubleBE(head.length)
        const left = expiresAt < 0 ? 0 : expiresAt - Date.now()
        if (expiresAt < 0 || left > 0) this.#put(key, Buffer.from(current.subarray(head.length + 8)), Math.ceil(left))
      }
      return { done: true }
    },
  }

  readonly batchLock: BatchLock = perKeyBatchLock(this.lock)

  async openSubscriber(): Promise<SubscriberConnection> {
    return IN_PROCESS
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#entries.clear()
    this.#indexes.clear()
  }

  #write(entry: SetEntry): void {
    this.#put(entry.key, Buffer.from(entry.value), entry.ttlMs)
    this.#index(entry, entry.ttlMs)
  }

  #put(key: string, value: Buffer, ttlMs: number): void {
    this.#entries.set(key, { value, expiresAt: ttlMs > 0 ? Date.now() + ttlMs : Infinity })
  }

  /** Lists the key in its index and its tags' sets; members whose key is gone are pruned. */
  #index(entry: IndexedKey, ttlMs: number): void {
    this.#list(entry.index, entry.key, ttlMs)
    if (entry.tags) for (const tag of entry.tags) this.#list(tag, entry.key, ttlMs)
  }

  #list(index: IndexName, key: string, ttlMs: number): void {
    const name = indexKey(index)
    let members = this.#indexes.get(name)
    if (!members) this.#indexes.set(name, (members = new Map()))
    const now = Date.now()
    // Pruned now and then, not on every write: a sweep is O(members). The score is a hint (a
    // marker's fill may run longer): only members whose key is gone are dropped.
    if ((members.size & 255) === 255) {
      for (const [member, expiresAt] of members) if (expiresAt < now && this.#read(member) === null) members.delete(member)
    }
    members.set(key, ttlMs > 0 ? now + ttlMs : Infinity)
  }

  /** What a refresh's marker keeps: the value it replaces with its expiry, or what a replaced marker kept. */
  #kept(key: string, current: Buffer): Buffer {
    if (isMarker(current)) return current.subarray(MARKER_HEAD_LENGTH)
    const expiry = Buffer.alloc(8)
    expiry.writeDoubleBE(this.#entries.get(key)!.expiresAt === Infinity ? -1 : this.#entries.get(key)!.expiresAt)
    return Buffer.concat([expiry, current])
  }

  #ours(key: string, head: Buffer): Buffer | null {
    const current = this.#read(key)
    return current !== null && current.length >= head.length && current.compare(head, 0, head.length, 0, head.length) === 0 ? current : null
  }

  #read(key: string): Buffer | null {
    const entry = this.#entries.get(key)
    if (!entry) return null
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key)
      return null
    }
    return entry.value
  }
}

function isMarker(bytes: Buffer): boolean {
  return bytes.length >= MARKER_HEAD_LENGTH && bytes.compare(MARKER_MAGIC, 0, MARKER_MAGIC.length, 0, MARKER_MAGIC.length) === 0
}

/** The name of an index with no hash tag (one process, one place). */
function indexKey(index: IndexName): string {
  return index.head + index.tail
}
