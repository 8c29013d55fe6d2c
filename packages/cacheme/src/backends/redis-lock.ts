import type { Cluster, Redis } from 'ioredis'
import type { AcquireResult, LockCapability, SubscriberConnection, WriteEntry } from './backend.js'
import { detectPubSubMode, type PubSubMode } from './pubsub-mode.js'
import { RedisSubscriber } from './redis-subscriber.js'
import { ACQUIRE, COMMIT, EXTEND, RELEASE } from '../herd/scripts.js'

/** The lock scripts on a Redis or Redis Cluster connection. */
export class RedisLock implements LockCapability {
  private mode: Promise<PubSubMode> | undefined

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly recordIndexes: (entries: readonly Omit<WriteEntry, 'value'>[]) => Promise<void>,
  ) {}

  async acquire(key: string, marker: Buffer, ttlMs: number, replace: Buffer | null): Promise<AcquireResult> {
    const reply = await this.run(ACQUIRE, key, marker, ttlMs, replace ? '1' : '0', replace ?? '')
    if (reply === 1) return { acquired: true }
    const [current, pttlMs] = reply as [Buffer, number]
    return { acquired: false, current, pttlMs }
  }

  async extend(key: string, marker: Buffer, ttlMs: number): Promise<boolean> {
    return (await this.run(EXTEND, key, marker, ttlMs)) === 1
  }

  async commit(key: string, marker: Buffer, value: Buffer, ttlMs: number, notice: Buffer): Promise<boolean> {
    const publish = await this.publishCommand()
    return (await this.run(COMMIT, key, marker, value, ttlMs, publish, key, notice)) === 1
  }

  async release(key: string, marker: Buffer, notice: Buffer | null): Promise<boolean> {
    const publish = notice ? await this.publishCommand() : ''
    return (await this.run(RELEASE, key, marker, publish, key, notice ?? '')) === 1
  }

  recordIndex(entry: Omit<WriteEntry, 'value'>): Promise<void> {
    return this.recordIndexes([entry])
  }

  async openSubscriber(): Promise<SubscriberConnection> {
    return new RedisSubscriber(this.redis, await this.pubSubMode())
  }

  /** Runs a lock script on the key's node; replies keep their bytes. */
  private run(script: string, key: string, ...args: (string | Buffer | number)[]): Promise<unknown> {
    return this.redis.callBuffer('EVAL', script, 1, key, ...args)
  }

  private async publishCommand(): Promise<string> {
    return (await this.pubSubMode()) === 'sharded' ? 'SPUBLISH' : 'PUBLISH'
  }

  private pubSubMode(): Promise<PubSubMode> {
    if (!this.mode) {
      const mode = detectPubSubMode(this.redis)
      // A failed detection (Redis down) is retried next time.
      mode.catch(() => { if (this.mode === mode) this.mode = undefined })
      this.mode = mode
    }
    return this.mode
  }
}
