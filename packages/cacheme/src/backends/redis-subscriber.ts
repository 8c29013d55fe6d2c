import type { Cluster, Redis } from 'ioredis'
import type { SubscriberConnection } from './backend.js'
import type { PubSubMode } from './pubsub-mode.js'

/**
 * A subscriber connection duplicated from the client's connection (same server, same options).
 * On a cluster in sharded mode, ioredis keeps one subscriber per master and routes each
 * SSUBSCRIBE to the node owning the channel's slot.
 */
export class RedisSubscriber implements SubscriberConnection {
  private readonly connection: Redis | Cluster
  private readonly sharded: boolean

  constructor(source: Redis | Cluster, mode: PubSubMode) {
    this.sharded = mode === 'sharded'
    this.connection = (source as Cluster).isCluster
      ? (source as Cluster).duplicate([], { shardedSubscribers: this.sharded })
      : (source as Redis).duplicate()
    // Connection errors surface as failed subscriptions and timeouts; the event itself is noise.
    this.connection.on('error', () => {})
  }

  async subscribe(channel: string): Promise<void> {
    if (this.sharded) await this.connection.ssubscribe(channel)
    else await this.connection.subscribe(channel)
  }

  async unsubscribe(channel: string): Promise<void> {
    if (this.sharded) await this.connection.sunsubscribe(channel)
    else await this.connection.unsubscribe(channel)
  }

  onMessage(listener: (channel: string, message: Buffer) => void): void {
    const event = this.sharded ? 'smessageBuffer' : 'messageBuffer'
    this.connection.on(event, (channel: Buffer, message: Buffer) => listener(channel.toString('utf8'), message))
  }

  onDisconnect(listener: () => void): void {
    // A cluster drops single nodes ('-node'); a standalone connection closes as a whole.
    for (const event of (this.connection as Cluster).isCluster ? ['-node', 'close'] : ['close']) {
      this.connection.on(event, listener)
    }
  }

  close(): void {
    this.connection.disconnect()
  }
}
