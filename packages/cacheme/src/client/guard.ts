import { CircuitBreaker } from './breaker.js'

/** Why a Redis operation was not done: Redis failed, timed out, or is being skipped. */
export class CacheUnavailableError extends Error {
  override name = 'CacheUnavailableError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** The server answered with an error: Redis is up, so the breaker stays closed. */
function isReply(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError'
}

/**
 * Bounds every Redis operation of a client by a time budget and skips Redis while its circuit
 * breaker is open. A caller gets a rejection within the budget; the operation itself may still
 * settle later, and that late result is handled here so it never becomes an unhandled rejection.
 */
export class RedisGuard {
  private readonly breaker: CircuitBreaker
  private closed = false

  constructor(readonly timeoutMs: number) {
    this.breaker = new CircuitBreaker(Math.max(timeoutMs, 1000))
  }

  run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new CacheUnavailableError('cacheme: the client is closed'))
    if (!this.breaker.allow()) {
      return Promise.reject(new CacheUnavailableError('cacheme: Redis is unavailable; skipping it for a cool-down'))
    }
    return new Promise<T>((resolve, reject) => {
      let settled = false
      const timer = setTimeout(() => {
        settled = true
        const error = new CacheUnavailableError(`cacheme: Redis did not answer within ${this.timeoutMs} ms`)
        this.breaker.failed()
        reject(error)
      }, this.timeoutMs)
      let pending: Promise<T>
      try {
        pending = operation()
      } catch (error) {
        pending = Promise.reject(error)
      }
      pending.then(
        (value) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          this.breaker.succeeded()
          resolve(value)
        },
        (error: unknown) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          if (isReply(error)) {
            this.breaker.succeeded()
            reject(error)
            return
          }
          this.breaker.failed()
          const reason = error instanceof Error ? error.message : String(error)
          reject(new CacheUnavailableError(`cacheme: Redis failed: ${reason}`, { cause: error }))
        },
      )
    })
  }

  close(): void {
    this.closed = true
  }
}
