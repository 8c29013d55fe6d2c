/** One value to write: bytes, a TTL in ms (0: no expiry), and the store index it belongs to. */
export interface WriteEntry {
  key: string
  value: string | Uint8Array
  ttlMs: number
  /** Index key of the store+version, so invalidateAll finds exactly this store's keys. */
  index: string
}

/**
 * What a store needs from where values live. Every method that takes many keys sends them in
 * one round trip per Redis node.
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
}
