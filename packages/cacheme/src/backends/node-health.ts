import { bounded, type BoundHooks } from '../client/bounded.js'
import { CacheUnavailableError } from '../errors.js'
import type { Secrets } from '../client/secrets.js'

/** How long a node that failed is skipped before one call probes it again. */
const COOL_DOWN_MIN_MS = 1000
/**
 * Timeouts in a row (with no answer of any kind between them, and no bytes received within the
 * timeout before them) before the node is skipped: one slow command (a 50 MB value) is not an
 * outage, and it delays the commands behind it anyway.
 */
const TIMEOUTS_TO_OPEN = 2

/**
 * The health of one Redis node (the one server, or one cluster master): a circuit breaker that
 * opens on connection failures and on repeated timeouts, and bounds every command sent to the
 * node by the client's timeout. After a cool-down one call probes the node while the others
 * still skip it; a success closes it. A node that answers with an error (a `ReplyError`, an ACL
 * refusal) is up: that never opens the breaker. Uses timestamps only, so nothing outlives it.
 */
export class NodeHealth {
  #openUntil = 0
  #probing = false
  #timeouts = 0
  /** When the node's connection last received bytes (0: not known). */
  #heardAt = 0
  readonly #coolDownMs: number

  constructor(
    readonly node: string,
    readonly timeoutMs: number,
    readonly secrets: Secrets,
    /** Called when the node times out or drops: a cluster refreshes its slot map. */
    readonly onTrouble: () => void = () => {},
    /** The connection's last error event (a refused password surfaces there, not on the command). */
    readonly lastConnectionError: () => unknown = () => undefined,
  ) {
    this.#coolDownMs = Math.max(timeoutMs, COOL_DOWN_MIN_MS)
  }

  /**
   * Runs a command on the node, rejecting with CacheUnavailableError past the timeout, on a
   * connection failure or while the breaker is open. `outcome` tells a write's caller whether
   * the command may have been applied. A late result is swallowed (never an unhandled rejection).
   */
  run<T>(operation: () => Promise<T>): Promise<T> {
    if (!this.#allow()) return Promise.reject(this.#skipped())
    let pending: Promise<T>
    try {
      pending = operation()
    } catch (error) {
      pending = Promise.reject(error)
    }
    return bounded(pending, this.timeoutMs, this.#onTimeout, this.#hooks)
  }

  readonly #onTimeout = (): Error => {
    this.#timedOut()
    return this.#timeoutError()
  }

  #timeoutError(): CacheUnavailableError {
    return new CacheUnavailableError(`cacheme: Redis node ${this.node} did not answer within ${this.timeoutMs} ms`, { outcome: 'unknown' })
  }

  /**
   * `count` commands on the node under one time bound (one timer for all, not one per command:
   * a cluster's lookups are one GET per key): each command's result, or its Error, goes to
   * `settle(j, …)` as soon as it comes; past the timeout the ones still pending get the
   * timeout's error. The breaker counts each command's outcome as `run` would.
   */
  runEach<T>(count: number, start: (j: number) => Promise<T>, settle: (j: number, result: T | CacheUnavailableError) => void): Promise<void> {
    if (!this.#allow()) {
      const skipped = this.#skipped()
      for (let j = 0; j < count; j++) settle(j, skipped)
      return Promise.resolve()
    }
    const settled = new Uint8Array(count)
    let left = count
    let allSettled!: () => void
    const all = new Promise<void>((resolve) => { allSettled = resolve })
    const finish = (j: number, result: T | CacheUnavailableError) => {
      settled[j] = 1
      settle(j, result)
      if (--left === 0) allSettled()
    }
    for (let j = 0; j < count; j++) {
      let pending: Promise<T>
      try {
        pending = start(j)
      } catch (error) {
        pending = Promise.reject(error)
      }
      pending.then((value) => {
        this.answered()
        if (!settled[j]) finish(j, value)
      }, (error: unknown) => {
        if (isReply(error)) this.answered()
        if (settled[j]) return
        if (!isReply(error)) this.#failed()
        finish(j, this.explain(error))
      })
    }
    return bounded(all, this.timeoutMs, () => this.#timeoutError()).catch((timeout: CacheUnavailableError) => {
      // As many timeouts as commands that were still pending, as one bound per command counted.
      for (let j = 0; j < count; j++) {
        if (settled[j]) continue
        this.#timedOut()
        finish(j, timeout)
      }
    })
  }

  // Made once, not per command (a command's bound needs no closure of its own).
  readonly #hooks: BoundHooks = {
    // Any answer, even one after the timeout (or an error reply), says the node is up.
    outcome: (error) => { if (error === undefined || isReply(error)) this.answered() },
    // A failure within the timeout: a lost connection opens the breaker; an error reply doesn't.
    error: (error) => {
      if (!isReply(error)) this.#failed()
      return this.explain(error)
    },
  }

  /** The error of a command not sent because the node is skipped; keeps asking where its keys went (rate-limited by the backend). */
  #skipped(): CacheUnavailableError {
    this.onTrouble()
    return new CacheUnavailableError(
      `cacheme: Redis node ${this.node} is being skipped after failures (cool-down ${this.#coolDownMs} ms)`,
      { outcome: 'not-applied' },
    )
  }

  /** A CacheUnavailableError for what a command of this node failed with, without secrets. */
  explain(error: unknown): CacheUnavailableError {
    if (error instanceof CacheUnavailableError) return error
    const cause = this.secrets.safeCause(error)
    const message = cause.message
    if (isReply(error)) {
      const reason = /^NOPERM\b|can't run this command/.test(message) ? `the Redis user lacks a permission: ${message}`
        : /^(WRONGPASS|NOAUTH)\b/.test(message) ? `Redis refused the credentials: ${message}`
        : `Redis refused the command: ${message}`
      return new CacheUnavailableError(`cacheme: ${reason} (node ${this.node})`, { outcome: 'not-applied', cause })
    }
    // Not sent at all (no connection, offline queue off) vs sent and lost: only the first is sure.
    const notSent = /Stream isn't writeable|Connection is closed|max retries per request|ECONNREFUSED|enableOfflineQueue/i.test(message)
    // A refused AUTH shows only on the connection: say that, not ioredis's "max retries" words.
    const connection = notSent ? this.lastConnectionError() : undefined
    if (connection !== undefined) {
      return new CacheUnavailableError(`cacheme: Redis node ${this.node} can't be used: ${this.#reason(connection)}`, { outcome: 'not-applied', cause })
    }
    return new CacheUnavailableError(`cacheme: Redis node ${this.node} failed: ${message}`, { outcome: notSent ? 'not-applied' : 'unknown', cause })
  }

  /** A connection error in words: a refused password or a missing permission said plainly. */
  #reason(error: unknown): string {
    const message = this.secrets.safeCause(error).message
    if (/^(WRONGPASS|NOAUTH)\b/.test(message)) return `Redis refused the credentials: ${message}`
    if (/^NOPERM\b/.test(message)) return `the Redis user lacks a permission: ${message}`
    return message
  }

  #allow(): boolean {
    if (this.#openUntil === 0) return true
    if (this.#probing || Date.now() < this.#openUntil) return false
    this.#probing = true
    return true
  }

  /**
   * Bytes arrived on the node's connection (part of a reply, perhaps of a big value still on its
   * way): a timeout soon after is a slow reply, not a silent node.
   */
  heard(): void {
    this.#heardAt = Date.now()
  }

  /** The node answered (any reply, or its connection's ready check): it is up, the breaker closes. */
  answered(): void {
    this.#openUntil = 0
    this.#probing = false
    this.#timeouts = 0
  }

  #timedOut(): void {
    this.onTrouble()
    // Replies are in order on a connection: the commands behind a big value time out too while
    // its bytes stream in. A node that sent something within the timeout is slow, not down.
    if (!this.#probing && Date.now() - this.#heardAt < this.timeoutMs) return
    if (++this.#timeouts >= TIMEOUTS_TO_OPEN || this.#probing) this.#open()
  }

  #failed(): void {
    this.onTrouble()
    this.#open()
  }

  #open(): void {
    this.#openUntil = Date.now() + this.#coolDownMs
    this.#probing = false
  }
}

/** The server answered with an error (ReplyError, of any copy of ioredis): the node is up. */
export function isReply(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError'
}
