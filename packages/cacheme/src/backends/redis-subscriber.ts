import type { Cluster, Redis } from 'ioredis'
import type { RedisInstance } from '../client/options.js'
import type { SubscriberConnection } from './backend.js'

/**
 * A subscriber connection duplicated from the client's connection (same server, same options).
 * On a cluster in sharded mode, ioredis keeps one subscriber per master and routes each
 * SSUBSCRIBE to the node owning the channel's slot.
 *
 * `autoResubscribe` is off: ioredis would re-subscribe after a reconnect every channel it ever
 * saw, including those whose waiters left while the connection was down (their UNSUBSCRIBE
 * could not be sent), so subscriptions would pile up. The hub re-subscribes what it still needs.
 */
export class RedisSubscriber implements SubscriberConnection {
  readonly #connection: RedisInstance
  readonly #sharded: boolean

  constructor(source: RedisInstance, sharded: boolean) {
    this.#sharded = sharded
    this.#connection = (source as Cluster).isCluster
      ? (source as Cluster).duplicate(undefined, {
          shardedSubscribers: sharded,
          redisOptions: { ...(source as Cluster).options.redisOptions, autoResubscribe: false },
        })
      : (source as Redis).duplicate({ autoResubscribe: false })
    // Connection errors surface as failed subscriptions and re-checks; the event itself is noise.
    this.#connection.on('error', () => {})
  }

  async subscribe(channel: string): Promise<void> {
    if (this.#sharded) await this.#connection.ssubscribe(channel)
    else await this.#connection.subscribe(channel)
  }

  async unsubscribe(channel: string): Promise<void> {
    if (this.#sharded) await this.#connection.sunsubscribe(channel)
    else await this.#connection.unsubscribe(channel)
  }

  onMessage(listener: (channel: string, message: Buffer) => void): void {
    const event = this.#sharded ? 'smessageBuffer' : 'messageBuffer'
    this.#connection.on(event, (channel: Buffer, message: Buffer) => listener(channel.toString('utf8'), message))
  }

  onReconnect(listener: () => void): void {
    // 'ready' follows every (re)connect; the first one finds nothing to re-subscribe.
    // A cluster's sharded subscribers reconnect per node; '+node' marks a new or returning one.
    this.#connection.on('ready', listener)
    if ((this.#connection as Cluster).isCluster) this.#connection.on('+node', listener)
  }

  close(): void {
    this.#connection.disconnect()
  }
}
