import type { Backend, WriteEntry } from './backend.js'

interface Entry {
  value: Buffer
  expiresAt: number
}

/** In-process storage with Redis semantics (TTL, indexes), for development and tests. */
export class MemoryBackend implements Backend {
  readonly kind = 'memory' as const
  private readonly entries = new Map<string, Entry>()
  private readonly indexes = new Map<string, Set<string>>()

  async mget(keys: readonly string[]): Promise<(Buffer | null)[]> {
    return keys.map((key) => this.read(key))
  }

  async write(entries: readonly WriteEntry[]): Promise<void> {
    const now = Date.now()
    for (const { key, value, ttlMs, index } of entries) {
      const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value)
      this.entries.set(key, { value: bytes, expiresAt: ttlMs > 0 ? now + ttlMs : Infinity })
      let members = this.indexes.get(index)
      if (!members) this.indexes.set(index, (members = new Set()))
      members.add(key)
    }
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
