// The first answer to a rejected invalidate after the database committed: try again. Every
// cacheme write is idempotent, so a retry is safe whatever the first attempt did.
import { CacheUnavailableError } from 'cacheme'

export interface RetryOptions {
  /** Attempts in all (default 5). */
  attempts?: number
  /** The first pause; each next one doubles (default 100 ms). */
  baseDelayMs?: number
  /** Told of each failed attempt that will be retried (log it, count it). */
  onRetry?: (error: CacheUnavailableError, attempt: number) => void
}

/**
 * Runs `write` (an `invalidate`, `set`, `invalidateAll`) until it resolves, pausing with
 * exponential backoff after each `CacheUnavailableError`, whatever its `outcome`: `'unknown'`
 * (it may have been applied) and `'not-applied'` both call for another try. Any other error, or
 * the last attempt's, is thrown.
 */
export async function retryWrite<T>(write: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5
  const baseDelayMs = options.baseDelayMs ?? 100
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`retryWrite: attempts must be an integer >= 1, got ${attempts}`)
  if (!(baseDelayMs >= 0)) throw new RangeError(`retryWrite: baseDelayMs must be >= 0, got ${baseDelayMs}`)
  for (let attempt = 1; ; attempt++) {
    try {
      return await write()
    } catch (error) {
      if (!(error instanceof CacheUnavailableError) || attempt >= attempts) throw error
      options.onRetry?.(error, attempt)
      await new Promise((resolve) => setTimeout(resolve, baseDelayMs * 2 ** (attempt - 1)))
    }
  }
}
