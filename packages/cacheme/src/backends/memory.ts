import type { Backend, WriteEntry } from './backend.js'
import { MemoryLock } from './memory-lock.js'

interface Entry {
  value: Buffer
  expiresAt: number
}

/** In-process storage with Redis semantics (TTL, indexes), for development and tests. */
export class MemoryBackend implements Backend {
  readonly kind = 'memory' as const
  private readonly entries = new Map<string, Entry>()
  private readonly indexes = new Map<string, Set<string>>()
  readonly lock = new MemoryLock({
    read: (key) => this.read(key),
    ttlOf: (key) => {
      const expiresAt = this.entries.get(key)?.expiresAt ?? Infinity
      return expiresAt === Infinity ? -1 : Math.max(0, expiresAt - Date.now())
    },
    put: (key, value, ttlMs) => this.put(key, value, ttlMs),
    remove: (key) => { this.entries.delete(key) },
    addToIndex: (entry) => this.addToIndex(entry),
  })

  async mget(keys: readonly string[]): Promise<(Buffer | null)[]> {
    // Each reader gets its own bytes, as from Redis: a decoded Buffer or typed array may be a
    // view of them, and a caller mutating it must not change the cached value.
    return keys.map((key) => {
      const value = this.read(key)
      return value && Buffer.from(value)
    })
  }

  async write(entries: readonly WriteEntry[]): Promise<void> {
    for (const entry of entries) {
      const { value } = entry
      this.put(entry.key, typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value), entry.ttlMs)
      this.addToIndex(entry)
    }
  }

  private put(key: string, value: Buffer, ttlMs: number): void {
    this.entries.set(key, { value, expiresAt: ttlMs > 0 ? Date.now() + ttlMs : Infinity })
  }

  private addToIndex({ key, index }: Omit<WriteEntry, 'value'>): void {
    let members = this.indexes.get(index)
    if (!members) this.indexes.set(index, (members = new Set()))
    members.add(key)
  }

  async del(keys: readonly string[], index: string): Promise<number> {
    let removed = 0
    for (const key of keys) {
      if (this.read(key) !== null) removed++
      this.entries.delete(key)
      this.indexes.get(index)?.delete(key)
    }
    return removed
  }

  async deleteIndexed(index: string): Promise<number> {
    const members = this.indexes.get(index)
    if (!members) return 0
    this.indexes.delete(index)
    return this.del([...members], index)
  }

  async close(): Promise<void> {
    this.entries.clear()
    this.indexes.clear()
  }

  private read(key: string): Buffer | null {
    const entry = this.entries.get(key)
    if (!entry) return null
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key)
      return null
    }
    return entry.value
  }
}
