import type { Notice } from './notice.js'

/** Notices kept for a waiter that is between two waits (e.g. re-checking the key). */
const KEEP_NOTICES = 8

/**
 * One waiter's membership in a key channel. Notices that arrive while the waiter is not
 * waiting are kept (a few), so none is lost between subscribing and re-checking the key.
 */
export class Subscription {
  #notices: Notice[] = []
  #waiting: { token: string; wake: (notice: Notice | undefined) => void } | undefined
  #ended = false

  constructor(
    /** true once the server acknowledged the subscription; false if subscribing failed. */
    readonly ready: Promise<boolean>,
    private readonly onLeave: (subscription: Subscription) => void,
  ) {}

  /** @internal Called by the hub for every notice on this key's channel. */
  push(notice: Notice): void {
    const waiting = this.#waiting
    if (waiting && (notice.kind === 'changed' || waiting.token === notice.token)) {
      this.#waiting = undefined
      waiting.wake(notice)
      return
    }
    this.#notices.push(notice)
    if (this.#notices.length > KEEP_NOTICES) this.#notices.shift()
  }

  /**
   * The notice of the fill with `token` (or a "changed" notice), or undefined when `ms` pass
   * (or the wait is interrupted) first.
   */
  next(token: string, ms: number): Promise<Notice | undefined> {
    const kept = this.#notices.findIndex((n) => n.kind === 'changed' || n.token === token)
    if (kept !== -1) return Promise.resolve(this.#notices.splice(kept, 1)[0])
    if (this.#ended) return Promise.resolve(undefined)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting = undefined
        resolve(undefined)
      }, ms)
      this.#waiting = {
        token,
        wake: (notice) => {
          clearTimeout(timer)
          resolve(notice)
        },
      }
    })
  }

  /** Ends the current wait early, e.g. when notices may have been lost: the waiter re-checks. */
  interrupt(): void {
    const waiting = this.#waiting
    this.#waiting = undefined
    waiting?.wake(undefined)
  }

  /** Ends any wait (hub closing). */
  end(): void {
    this.#ended = true
    this.interrupt()
  }

  leave(): void {
    this.end()
    this.onLeave(this)
  }
}
