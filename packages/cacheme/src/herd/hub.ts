import type { SubscriberConnection } from '../backends/backend.js'
import { decodeNotice, type Notice } from './notice.js'
import { Subscription } from './subscription.js'

interface Channel {
  members: Set<Subscription>
  ready: Promise<boolean>
}

/**
 * The one subscriber connection of a client, shared by every store and key. A key's channel is
 * subscribed when its first local waiter arrives and unsubscribed when its last one leaves.
 */
export class SubscriberHub {
  private connection: Promise<SubscriberConnection> | undefined
  private readonly channels = new Map<string, Channel>()
  private readonly tails = new Map<string, Promise<void>>()
  private closed = false

  constructor(
    private readonly open: () => Promise<SubscriberConnection>,
    /** Bounds a Redis operation by the client's time budget and circuit breaker. */
    private readonly guarded: <T>(operation: () => Promise<T>) => Promise<T>,
  ) {}

  join(channel: string): Subscription {
    let entry = this.channels.get(channel)
    if (!entry) {
      entry = { members: new Set(), ready: this.subscribe(channel) }
      this.channels.set(channel, entry)
    }
    const subscription = new Subscription(entry.ready, (s) => this.leave(channel, s))
    if (this.closed) subscription.end()
    entry.members.add(subscription)
    return subscription
  }

  /** Hands a notice to this process's waiters on `channel` (also used for local fills). */
  deliver(channel: string, notice: Notice): void {
    const entry = this.channels.get(channel)
    if (!entry) return
    for (const member of entry.members) member.push(notice)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    for (const entry of this.channels.values()) for (const member of entry.members) member.end()
    this.channels.clear()
    const connection = this.connection
    this.connection = undefined
    connection?.then((c) => c.close(), () => {})
  }

  private leave(channel: string, subscription: Subscription): void {
    const entry = this.channels.get(channel)
    if (!entry || !entry.members.delete(subscription) || entry.members.size > 0) return
    this.channels.delete(channel)
    // Even after a subscribe that timed out: it may still have reached the server.
    this.inOrder(channel, () => this.guarded(async () => {
      const connection = this.connection
      if (connection && !this.closed) await (await connection).unsubscribe(channel)
    })).catch(() => {})
  }

  private async subscribe(channel: string): Promise<boolean> {
    try {
      await this.inOrder(channel, () => this.guarded(async () => (await this.connect()).subscribe(channel)))
      return true
    } catch {
      return false
    }
  }

  /** Runs a channel's (un)subscribe commands one after the other, so the last one wins. */
  private inOrder<T>(channel: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(channel) ?? Promise.resolve()
    const result = previous.then(operation)
    const tail = result.then(() => {}, () => {})
    this.tails.set(channel, tail)
    tail.then(() => { if (this.tails.get(channel) === tail) this.tails.delete(channel) })
    return result
  }

  private connect(): Promise<SubscriberConnection> {
    if (this.closed) return Promise.reject(new Error('cacheme: the client is closed'))
    if (!this.connection) {
      const opening = this.open().then((connection) => {
        connection.onMessage((channel, message) => {
          const notice = decodeNotice(message)
          if (notice) this.deliver(channel, notice)
        })
        connection.onDisconnect(() => {
          for (const entry of this.channels.values()) for (const member of entry.members) member.interrupt()
        })
        if (this.closed) connection.close()
        return connection
      })
      opening.catch(() => { if (this.connection === opening) this.connection = undefined })
      this.connection = opening
    }
    return this.connection
  }
}
