import type { SubscriberConnection } from '../backends/backend.js'
import { bounded } from '../backends/redis.js'
import { decodeNotice, type Notice } from './notice.js'
import { Subscription } from './subscription.js'

/** How long a subscribe may take at least before a waiter gives notices up (it polls meanwhile). */
const SUBSCRIBE_MIN_MS = 5000

interface Channel {
  members: Set<Subscription>
  ready: Promise<boolean>
}

/**
 * The one subscriber connection of a client, shared by every store and key. A key's channel is
 * subscribed when its first local waiter arrives and unsubscribed when its last one leaves.
 * Unsubscribing is cleanup: it is always sent (never skipped by a breaker), so no subscription
 * outlives its waiters; after a reconnect the hub itself subscribes what is still waited on.
 */
export class SubscriberHub {
  #connection: Promise<SubscriberConnection> | undefined
  readonly #channels = new Map<string, Channel>()
  readonly #tails = new Map<string, Promise<void>>()
  #closed = false

  constructor(
    private readonly open: () => Promise<SubscriberConnection>,
    private readonly timeoutMs: number,
    /** Told why a subscription failed (an ACL refusal, a timeout), for the logger. */
    private readonly onFailure: (channel: string, error: unknown) => void,
  ) {}

  join(channel: string): Subscription {
    let entry = this.#channels.get(channel)
    if (!entry) {
      entry = { members: new Set(), ready: this.#subscribe(channel) }
      this.#channels.set(channel, entry)
    }
    const subscription = new Subscription(entry.ready, (s) => this.#leave(channel, s))
    if (this.#closed) subscription.end()
    entry.members.add(subscription)
    return subscription
  }

  /** Hands a notice to this process's waiters on `channel` (also used for local fills). */
  deliver(channel: string, notice: Notice): void {
    const entry = this.#channels.get(channel)
    if (!entry) return
    for (const member of entry.members) member.push(notice)
  }

  /** How many channels have local waiters (for tests and stats). */
  get size(): number {
    return this.#channels.size
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const entry of this.#channels.values()) for (const member of entry.members) member.end()
    this.#channels.clear()
    const connection = this.#connection
    this.#connection = undefined
    connection?.then(
      (c) => c.close(),
      () => {},
    )
  }

  #leave(channel: string, subscription: Subscription): void {
    const entry = this.#channels.get(channel)
    if (!entry || !entry.members.delete(subscription) || entry.members.size > 0) return
    this.#channels.delete(channel)
    // Even after a subscribe that timed out: it may still have reached the server.
    this.#inOrder(channel, async () => {
      const connection = this.#connection
      if (connection && !this.#closed)
        await bounded((await connection).unsubscribe(channel), this.timeoutMs, () => noAnswer(this.timeoutMs))
    }).catch(() => {})
  }

  async #subscribe(channel: string): Promise<boolean> {
    try {
      // The first subscribe also connects (on a cluster: to every master); waiters poll meanwhile,
      // so it may take longer than one command's timeout.
      await this.#inOrder(channel, () =>
        bounded(
          this.#connect().then((c) => c.subscribe(channel)),
          Math.max(this.timeoutMs, SUBSCRIBE_MIN_MS),
          () => noAnswer(Math.max(this.timeoutMs, SUBSCRIBE_MIN_MS)),
        ),
      )
      return true
    } catch (error) {
      this.onFailure(channel, error)
      return false
    }
  }

  /** Runs a channel's (un)subscribe commands one after the other, so the last one wins. */
  #inOrder<T>(channel: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(channel) ?? Promise.resolve()
    const result = previous.then(operation)
    const tail = result.then(
      () => {},
      () => {},
    )
    this.#tails.set(channel, tail)
    tail.then(() => {
      if (this.#tails.get(channel) === tail) this.#tails.delete(channel)
    })
    return result
  }

  #connect(): Promise<SubscriberConnection> {
    if (this.#closed) return Promise.reject(new Error('cacheme: the client is closed'))
    if (!this.#connection) {
      const opening = this.open().then((connection) => {
        connection.onMessage((channel, message) => {
          const notice = decodeNotice(message)
          if (notice) this.deliver(channel, notice)
        })
        connection.onReconnect(() => this.#resubscribe(connection))
        if (this.#closed) connection.close()
        return connection
      })
      opening.catch(() => {
        if (this.#connection === opening) this.#connection = undefined
      })
      this.#connection = opening
    }
    return this.#connection
  }

  /** After a reconnect the server has forgotten every channel: subscribe the ones still waited on, and wake their waiters to re-check (notices may have been lost). */
  #resubscribe(connection: SubscriberConnection): void {
    for (const [channel, entry] of this.#channels) {
      this.#inOrder(channel, () => bounded(connection.subscribe(channel), this.timeoutMs, () => noAnswer(this.timeoutMs))).catch(() => {})
      for (const member of entry.members) member.interrupt()
    }
  }
}

function noAnswer(ms: number): Error {
  return new Error(`no answer within ${ms} ms`)
}
