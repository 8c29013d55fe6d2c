/** What happened to one cache operation; see the README's Logger section. */
export type CacheOp = 'HIT' | 'MISS' | 'FETCH' | 'WAIT' | 'ERROR'

export interface Logger {
  /** `store`: the store name; `key`: the key without the prefix (`comment:1:v1`). */
  log(store: string, key: string, op: CacheOp): void
}
