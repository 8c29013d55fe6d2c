/** One value to write: bytes, a TTL in ms (0: no expiry), and the store index it belongs to. */
export interface WriteEntry {
  key: string
  value: string | Uint8Array
  ttlMs: number
  /** Index key of the store+version, so invalidateAll finds exactly this store's keys. */
  index: string
}

/**
 * What a store needs from where values live. Every method that takes many keys batches them
 * per Redis node: `mget` in one round trip per node; `write` and `del` in one for the values
 * and one more for the store indexes.
 */
export interface Backend {
  readonly kind: 'memory' | 'redis' | 'cluster'
  /** Values for `keys` in order; null where missing. */
  mget(keys: readonly string[]): Promise<(Buffer | null)[]>
  write(entries: readonly WriteEntry[]): Promise<void>
  /** Deletes `keys` (and their index entries); resolves to how many existed. */
  del(keys: readonly string[], index: string): Promise<number>
  /** Deletes every key recorded in `index` and the index itself; resolves to how many existed. */
  deleteIndexed(index: string): Promise<number>
  close(): Promise<void>
  /**
   * The lock a miss fills under: herd protection across processes on Redis; on the memory
   * backend, the same fencing within one process (a fill's write loses to an invalidate,
   * refresh or set that completed meanwhile).
   */
  readonly lock: LockCapability
}

/** What taking the lock found: it is ours, or the key holds a value or another holder's marker. */
export type AcquireResult = { acquired: true } | { acquired: false; current: Buffer; pttlMs: number }

/**
 * The lock lives in the value key itself (a marker), so lock and value share a hash slot and
 * each step is one atomic script. Notices go out on a channel named like the key.
 */
export interface LockCapability {
  /** Takes the lock if the key is missing or holds exactly `replace` (an undecodable value). */
  acquire(key: string, marker: Buffer, ttlMs: number, replace: Buffer | null): Promise<AcquireResult>
  /** Pushes the lock's expiry while the marker is still ours; false once it is not. */
  extend(key: string, marker: Buffer, ttlMs: number): Promise<boolean>
  /** Writes the value if the marker is still ours and publishes `notice` either way; true if written. */
  commit(key: string, marker: Buffer, value: Buffer, ttlMs: number, notice: Buffer): Promise<boolean>
  /** Deletes the marker if still ours (never another's) and publishes `notice` if given. */
  release(key: string, marker: Buffer, notice: Buffer | null): Promise<boolean>
  /** Records a committed key in its store's index (for invalidateAll). */
  recordIndex(entry: Omit<WriteEntry, 'value'>): Promise<void>
  /** Opens a dedicated connection for the key channels. */
  openSubscriber(): Promise<SubscriberConnection>
}

/** A connection in subscriber mode: key channels in, messages out. */
export interface SubscriberConnection {
  /** Resolves once the server has acknowledged the subscription. */
  subscribe(channel: string): Promise<void>
  unsubscribe(channel: string): Promise<void>
  onMessage(listener: (channel: string, message: Buffer) => void): void
  /** Called when the connection drops: notices may have been lost meanwhile. */
  onDisconnect(listener: () => void): void
  close(): void
}
