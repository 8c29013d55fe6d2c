import { bounded } from '../backends/redis.js'
import { CacheUnavailableError } from '../errors.js'

/**
 * The time one call may spend on cache work: the client's `timeout`, once per call, for all
 * of its Redis commands together (not per command). The user's fetcher and a wait on another
 * process's live fetch are not cache work and are not charged.
 */
export interface Budget {
  /** `work`'s outcome, or a CacheUnavailableError once the call's time is used up. */
  spend<T>(work: Promise<T>): Promise<T>
}

export class TimeBudget implements Budget {
  #leftMs: number

  constructor(
    readonly timeoutMs: number,
    spentMs = 0,
  ) {
    this.#leftMs = Math.max(0, timeoutMs - spentMs)
  }

  get leftMs(): number {
    return this.#leftMs
  }

  /**
   * `work`'s outcome, or a CacheUnavailableError once the budget runs out; what it took is
   * charged. A late outcome of `work` is handled (never an unhandled rejection).
   */
  spend<T>(work: Promise<T>): Promise<T> {
    const started = performance.now()
    const charge = () => {
      this.#leftMs = Math.max(0, this.#leftMs - (performance.now() - started))
    }
    if (this.#leftMs <= 0) {
      work.catch(() => {})
      return Promise.reject(
        new CacheUnavailableError(`cacheme: the call's cache time (timeout ${this.timeoutMs} ms) is used up`, { outcome: 'unknown' }),
      )
    }
    return bounded(
      work,
      Math.ceil(this.#leftMs),
      () =>
        new CacheUnavailableError(`cacheme: Redis did not answer within the call's timeout of ${this.timeoutMs} ms`, {
          outcome: 'unknown',
        }),
    ).finally(charge) // past the bound, what was left is all charged: 0
  }
}

/** The budget of the memory backend, which can't be slow: nothing to bound. */
export const UNBOUNDED: Budget = { spend: (work) => work }
