/**
 * Every error class cacheme throws, each with a stable `.code`. Invalid arguments are plain
 * `TypeError`s naming the offending value; these classes are for what a caller may want to
 * tell apart and handle.
 */

/** A template that cannot be used, with the offset (in the template text) of the bad part. */
export class TemplateError extends Error {
  override name = 'TemplateError'
  readonly code = 'CACHEME_TEMPLATE'
  constructor(
    message: string,
    readonly template: string,
    /** Offset within the template text where the problem starts. */
    readonly offset: number,
    /** Length of the offending text, for editors that underline it. */
    readonly length: number,
  ) {
    super(message)
  }
}

/** A TTL or duration that can't be used; `value` is the value given. */
export class DurationError extends Error {
  override name = 'DurationError'
  readonly code = 'CACHEME_DURATION'
  constructor(
    message: string,
    readonly value: unknown,
  ) {
    super(message)
  }
}

/**
 * What a write that could not be confirmed means for the caller:
 * - `'not-applied'`: it never reached Redis, or Redis refused it; the old state stands.
 * - `'unknown'`: it was sent and no answer came in time (or the connection broke); Redis may
 *   have applied it. Every write of cacheme is idempotent: retry it, or treat the key as suspect.
 */
export type WriteOutcome = 'unknown' | 'not-applied'

/**
 * Redis could not do what was asked: it failed, did not answer within the client's `timeout`,
 * refused the command (an ACL limit), or is being skipped after failures. Reads never reject
 * with it (they fall back to the fetcher); writes (`set`, `invalidate`, `invalidateAll`) do,
 * with `outcome` saying whether the write may have happened.
 */
export class CacheUnavailableError extends Error {
  override name = 'CacheUnavailableError'
  readonly code = 'CACHEME_UNAVAILABLE'
  /** For a write: whether it may have been applied. Undefined for reads. */
  readonly outcome: WriteOutcome | undefined
  /** The store's name, when the failure belongs to one store's operation. */
  readonly store: string | undefined
  /** The key (without the client's prefix), when there is one. */
  readonly key: string | undefined

  constructor(message: string, details: { outcome?: WriteOutcome; store?: string; key?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.outcome = details.outcome
    this.store = details.store
    this.key = details.key
  }
}

/** A fetch ran past its store's `fetchTimeout.hard`: its signal was aborted. */
export class FetchTimeoutError extends Error {
  override name = 'FetchTimeoutError'
  readonly code = 'CACHEME_FETCH_TIMEOUT'
  constructor(
    readonly store: string,
    readonly key: string,
    readonly timeoutMs: number,
  ) {
    super(`cacheme: the fetch of '${key}' (store '${store}') did not finish within its hard timeout of ${timeoutMs} ms`)
  }
}

/** Another process's fetch of a key failed; its message is carried here, in every waiting process. */
export class FetchFailedElsewhereError extends Error {
  override name = 'FetchFailedElsewhereError'
  readonly code = 'CACHEME_FETCH_FAILED'
  constructor(
    readonly store: string,
    readonly key: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * A store's `fetchMany` threw, or answered with a number of values other than the number of
 * params it was given: every caller whose key was in that call rejects with this (the keys of
 * the batch that were hits are not affected). `received` is undefined when it threw (the error
 * is the `cause`), else the length of what it returned (-1: not an array).
 */
export class FetchManyError extends Error {
  override name = 'FetchManyError'
  readonly code = 'CACHEME_FETCH_MANY'
  constructor(
    readonly store: string,
    readonly expected: number,
    readonly received: number | undefined,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options)
  }
}
