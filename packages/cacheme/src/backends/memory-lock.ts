import type { AcquireResult, LockCapability, SubscriberConnection, WriteEntry } from './backend.js'

/** The storage primitives of the memory backend that its lock works on. */
export interface MemoryCells {
  read(key: string): Buffer | null
  /** Remaining TTL in ms; -1 without expiry. */
  ttlOf(key: string): number
  put(key: string, value: Buffer, ttlMs: number): void
  remove(key: string): void
  addToIndex(entry: Omit<WriteEntry, 'value'>): void
}

/** Notices of in-process fills reach their waiters through the hub directly: nothing to subscribe. */
const IN_PROCESS: SubscriberConnection = {
  subscribe: async () => {},
  unsubscribe: async () => {},
  onMessage: () => {},
  onDisconnect: () => {},
  close: () => {},
}

/**
 * The lock of the memory backend, with the Redis lock's semantics inside one process: it is
 * what fences a fill's write off after an invalidate, refresh or set (singleflight alone can't).
 */
export class MemoryLock implements LockCapability {
  constructor(private readonly cells: MemoryCells) {}

  async acquire(key: string, marker: Buffer, ttlMs: number, replace: Buffer | null): Promise<AcquireResult> {
    const current = this.cells.read(key)
    if (current === null || (replace !== null && current.equals(replace))) {
      this.cells.put(key, marker, ttlMs)
      return { acquired: true }
    }
    return { acquired: false, current, pttlMs: this.cells.ttlOf(key) }
  }

  async extend(key: string, marker: Buffer, ttlMs: number): Promise<boolean> {
    if (!this.isOurs(key, marker)) return false
    this.cells.put(key, marker, ttlMs)
    return true
  }

  async commit(key: string, marker: Buffer, value: Buffer, ttlMs: number): Promise<boolean> {
    if (!this.isOurs(key, marker)) return false
    this.cells.put(key, value, ttlMs)
    return true
  }

  async release(key: string, marker: Buffer): Promise<boolean> {
    if (!this.isOurs(key, marker)) return false
    this.cells.remove(key)
    return true
  }

  async recordIndex(entry: Omit<WriteEntry, 'value'>): Promise<void> {
    this.cells.addToIndex(entry)
  }

  async openSubscriber(): Promise<SubscriberConnection> {
    return IN_PROCESS
  }

  private isOurs(key: string, marker: Buffer): boolean {
    return this.cells.read(key)?.equals(marker) ?? false
  }
}
