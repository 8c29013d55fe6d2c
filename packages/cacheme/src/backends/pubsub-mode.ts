import type { Cluster, Redis } from 'ioredis'

/** Plain PUBLISH/SUBSCRIBE, or sharded SPUBLISH/SSUBSCRIBE (Redis >= 7 on a cluster). */
export type PubSubMode = 'classic' | 'sharded'

/**
 * Standalone Redis uses plain pub/sub. A cluster uses sharded pub/sub when its servers have it
 * (Redis 7+): a shard channel lives on the key's node, instead of being broadcast to all nodes.
 */
export async function detectPubSubMode(redis: Redis | Cluster): Promise<PubSubMode> {
  if (!(redis as Cluster).isCluster) return 'classic'
  const info = await redis.info('server')
  const major = Number(/redis_version:(\d+)/.exec(info)?.[1] ?? 0)
  return major >= 7 ? 'sharded' : 'classic'
}
