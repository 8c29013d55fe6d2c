/**
 * A timer that calls `then` once `ms` have passed *and* the I/O that arrived meanwhile has been
 * handled: Node runs due timers before it reads sockets, so after the event loop was blocked
 * (a busy process, a long GC), a plain timeout would fire before a reply already waiting in the
 * socket, and a slow process would blame Redis. `setImmediate` runs after the I/O phase.
 */
export function afterIo(ms: number, then: () => void): NodeJS.Timeout {
  return setTimeout(() => setImmediate(then), ms)
}

/** What a bound's owner learns of `work`, without a promise of its own (NodeHealth). */
export interface BoundHooks {
  /** Every outcome of `work`, even one after the bound (undefined: it fulfilled). */
  outcome?(error: unknown): void
  /** The error to reject with for a rejection within the bound. */
  error?(error: unknown): unknown
}

/**
 * `work`'s outcome, or the error `onTimeout()` makes once `ms` have passed (after pending I/O,
 * see `afterIo`). The one time bound of the runtime: a node's commands, a call's budget, a
 * subscribe. A late outcome of `work` is handled, never an unhandled rejection.
 */
export function bounded<T>(work: Promise<T>, ms: number, onTimeout: () => Error, hooks?: BoundHooks): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false
    const timer = afterIo(ms, () => {
      if (settled) return
      settled = true
      reject(onTimeout())
    })
    work.then(
      (value) => {
        hooks?.outcome?.(undefined)
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        hooks?.outcome?.(error)
        if (settled) return
        settled = true
        clearTimeout(timer)
        reject(hooks?.error ? hooks.error(error) : error)
      },
    )
  })
}
