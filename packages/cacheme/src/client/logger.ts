/** What happened to one cache operation; see the README's Logger section. */
export type CacheOp = 'HIT' | 'LOCAL' | 'MISS' | 'FETCH' | 'WAIT' | 'STALE' | 'ERROR'

/** More about one op: for `ERROR`, what failed (its message carries no secret); for `STALE`, the failed fetch it stands in for, if any. */
export interface OpDetail {
  error?: Error
}

export interface Logger {
  /** `store`: the store name; `key`: the key without the prefix (`comment:1:v1`). */
  log(store: string, key: string, op: CacheOp, detail?: OpDetail): void
}
