import { FetchTimeoutError } from '../errors.js'
import { parseTtl } from '../template/parse-duration.js'

/** The fetcher's second argument. */
export interface FetchContext<T = unknown> {
  /** Aborted when the fetch runs past `fetchTimeout.hard` (its reason: a FetchTimeoutError). */
  readonly signal: AbortSignal
  /** The value this fetch replaces, when it refreshes one (a stale or early refresh, refresh()); else undefined. */
  readonly stale: T | undefined
  /** This value's TTL (a number of seconds or a duration string; 0: no expiry), instead of the store's. */
  setTtl(ttl: number | string): void
}

/**
 * One call of a fetcher: its context, the TTL it chose, how long it took, and the hard timeout,
 * which aborts the signal and rejects at once (the fetcher may go on; its result is dropped).
 */
export class FetchControl<T> {
  /** Made when the fetcher first reads `ctx.signal` (most never do; one per cold get was 5 % of its client CPU). */
  #abort: AbortController | undefined
  /** Why the fetch was aborted, for a signal read after the hard timeout fired. */
  #abortedWith: Error | undefined
  readonly #store: string
  readonly #key: string
  readonly #hardMs: number
  readonly #stale: { value: T } | undefined
  /** The value's TTL in ms: the store's, or what the fetcher set. */
  ttlMs: number
  /** How long the fetch took (ms), once it settled. */
  deltaMs = 0

  constructor(store: string, key: string, ttlMs: number, hardMs: number, stale?: { value: T }) {
    this.#store = store
    this.#key = key
    this.ttlMs = ttlMs
    this.#hardMs = hardMs
    this.#stale = stale
  }

  /** The context handed to the fetcher. */
  context(): FetchContext<T> {
    const signal = () => this.#signal()
    return {
      get signal() {
        return signal()
      },
      stale: this.#stale?.value,
      setTtl: (ttl: number | string) => {
        this.ttlMs = parseTtl(ttl, `ctx.setTtl() of '${this.#store}'`)
      },
    }
  }

  #signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController()
      if (this.#abortedWith !== undefined) this.#abort.abort(this.#abortedWith)
    }
    return this.#abort.signal
  }

  /** Runs `fetch` (which calls the fetcher with `context()`), timed and bounded by the hard timeout. */
  run(fetch: () => Promise<T>): Promise<T> {
    const started = performance.now()
    const done = () => {
      this.deltaMs = performance.now() - started
    }
    const fetching = fetch()
    if (this.#hardMs <= 0) {
      fetching.then(done, done)
      return fetching
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new FetchTimeoutError(this.#store, this.#key, this.#hardMs)
        done()
        this.#abortedWith = error
        this.#abort?.abort(error)
        reject(error)
      }, this.#hardMs)
      fetching.then(
        (value) => {
          clearTimeout(timer)
          done()
          resolve(value)
        },
        (error) => {
          clearTimeout(timer)
          done()
          reject(error)
        },
      )
    })
  }
}
