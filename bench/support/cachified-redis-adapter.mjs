import { totalTtl } from '@epic-web/cachified'

/**
 * The cachified cache adapter for node-redis, as the published `cachified-redis-adapter`
 * writes it (not installed here): JSON entries, expiry at the entry's creation time + TTL.
 */
export function nodeRedisCacheAdapter(redis) {
  return {
    name: 'node-redis',
    async get(key) {
      const value = await redis.get(key)
      return value == null ? null : JSON.parse(value)
    },
    set(key, entry) {
      const ttl = totalTtl(entry?.metadata)
      const created = entry?.metadata?.createdTime
      const expiry =
        ttl > 0 && ttl < Infinity && typeof created === 'number'
          ? { expiration: { type: 'PXAT', value: Math.ceil(created + ttl) } }
          : undefined
      return redis.set(key, JSON.stringify(entry), expiry)
    },
    delete(key) {
      return redis.del(key)
    },
  }
}
