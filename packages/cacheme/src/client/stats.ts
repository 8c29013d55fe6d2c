import type { CacheOp } from './logger.js'

/** Cumulative counts of one store, or of a whole client. */
export interface Counters {
  hits: number
  localHits: number
  misses: number
  fetches: number
  waits: number
  stale: number
  errors: number
}

const FIELD: Partial<Record<CacheOp, keyof Counters>> = { HIT: 'hits', LOCAL: 'localHits', MISS: 'misses', FETCH: 'fetches', WAIT: 'waits', STALE: 'stale', ERROR: 'errors' }

function zero(): Counters {
  return { hits: 0, localHits: 0, misses: 0, fetches: 0, waits: 0, stale: 0, errors: 0 }
}

/** What `client.stats()` returns: counters of every logger op, per store and in total. */
export class Stats {
  readonly #total = zero()
  readonly #stores = new Map<string, Counters>()

  count(store: string, op: CacheOp): void {
    const field = FIELD[op]
    if (!field) return
    this.#total[field]++
    if (store === '') return
    let counters = this.#stores.get(store)
    if (!counters) this.#stores.set(store, (counters = zero()))
    counters[field]++
  }

  snapshot(): { total: Counters; stores: Record<string, Counters> } {
    const stores: Record<string, Counters> = {}
    for (const [name, counters] of this.#stores) stores[name] = { ...counters }
    return { total: { ...this.#total }, stores }
  }
}
