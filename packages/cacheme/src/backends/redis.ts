import type { Cluster, Redis, ChainableCommander } from 'ioredis'
import type { Backend, WriteEntry } from './backend.js'
import { groupByNode } from './node-groups.js'
import { RedisLock } from './redis-lock.js'

type PipelineResult = [error: Error | null, result: unknown][] | null

const INDEX_CHUNK = 500
/** How long close() waits for QUIT before dropping the connection (a hung server never answers). */
const QUIT_TIMEOUT_MS = 1000

/**
 * Redis and Redis Cluster storage. Multi-key work is split into one pipeline per master
 * (cluster) or one pipeline/MGET (standalone): one round trip per node.
 */
export class RedisBackend implements Backend {
  readonly kind: 'redis' | 'cluster'
  readonly lock: RedisLock

  constructor(
    readonly redis: Redis | Cluster,
    private readonly owned: boolean,
  ) {
    this.kind = (redis as Cluster).isCluster ? 'cluster' : 'redis'
    this.lock = new RedisLock(redis, (entries) => this.addToIndexes(entries))
  }

  async mget(keys: readonly string[]): Promise<(Buffer | null)[]> {
    if (keys.length === 0) return []
    if (this.kind === 'redis') {
      const redis = this.redis as Redis
      if (keys.length === 1) return [await redis.getBuffer(keys[0]!)]
      return redis.mgetBuffer(...(keys as string[]))
    }
    const values: (Buffer | null)[] = new Array(keys.length).fill(null)
    await this.perNode(keys, (pipeline, group) => {
      for (const i of group) pipeline.getBuffer(keys[i]!)
    }, (group, results) => {
      group.forEach((i, n) => { values[i] = results[n] as Buffer | null })
    })
    return values
  }

  async write(entries: readonly WriteEntry[]): Promise<void> {
    if (entries.length === 0) return
    const keys = entries.map((e) => e.key)
    await this.perNode(keys, (pipeline, group) => {
      for (const i of group) {
        const { key, value, ttlMs } = entries[i]!
        if (ttlMs > 0) pipeline.set(key, value as Buffer, 'PX', ttlMs)
        else pipeline.set(key, value as Buffer)
      }
    })
    await this.addToIndexes(entries)
  }

  async del(keys: readonly string[], index: string): Promise<number> {
    if (keys.length === 0) return 0
    let removed = 0
    await this.perNode(keys, (pipeline, group) => {
      for (const i of group) pipeline.del(keys[i]!)
    }, (_group, results) => {
      for (const r of results) removed += Number(r)
    })
    await this.redis.zrem(index, ...(keys as string[]))
    return removed
  }

  async deleteIndexed(index: string): Promise<number> {
    let removed = 0
    for (;;) {
      const members = await this.redis.zrange(index, "0", String(INDEX_CHUNK - 1))
      if (members.length === 0) break
      removed += await this.del(members, index)
    }
    return removed
  }

  async close(): Promise<void> {
    if (!this.owned) return
    let timer: NodeJS.Timeout | undefined
    const gaveUp = new Promise<void>((resolve) => { timer = setTimeout(resolve, QUIT_TIMEOUT_MS) })
    await Promise.race([this.redis.quit().catch(() => {}), gaveUp])
    clearTimeout(timer)
    this.redis.disconnect()
  }

  /** Records keys in their store's index (a sorted set scored by expiry) and prunes expired ones. */
  private async addToIndexes(entries: readonly Omit<WriteEntry, 'value'>[]): Promise<void> {
    const now = Date.now()
    const byIndex = new Map<string, (string | number)[]>()
    for (const { key, ttlMs, index } of entries) {
      let args = byIndex.get(index)
      if (!args) byIndex.set(index, (args = []))
      args.push(ttlMs > 0 ? now + ttlMs : '+inf', key)
    }
    const indexes = [...byIndex.keys()]
    await this.perNode(indexes, (pipeline, group) => {
      for (const i of group) {
        const index = indexes[i]!
        pipeline.zadd(index, ...byIndex.get(index)!)
        pipeline.zremrangebyscore(index, '-inf', now)
      }
    })
  }

  /**
   * Runs one pipeline per node (one for standalone), filled by `fill` with the keys at the
   * given positions; `collect` receives each group's results in order. The first error
   * rejects after every pipeline has finished.
   */
  private async perNode(
    keys: readonly string[],
    fill: (pipeline: ChainableCommander, group: number[]) => void,
    collect?: (group: number[], results: unknown[]) => void,
  ): Promise<void> {
    const groups = this.kind === 'cluster'
      ? groupByNode(this.redis as Cluster, keys)
      : [keys.map((_, i) => i)]
    const settled = await Promise.allSettled(groups.map(async (group) => {
      const pipeline = this.redis.pipeline()
      fill(pipeline, group)
      const results = (await pipeline.exec()) as PipelineResult
      if (!results) throw new Error('cacheme: pipeline was discarded')
      const values: unknown[] = []
      for (const [error, result] of results) {
        if (error) throw error
        values.push(result)
      }
      collect?.(group, values)
    }))
    for (const result of settled) if (result.status === 'rejected') throw result.reason
  }
}
