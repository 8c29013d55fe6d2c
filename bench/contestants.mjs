// Every library the benchmark compares, behind one small interface:
//
//   const c = await contestant.open({ url, cluster?, prefix, ttlSeconds, fetch })
//     cluster: { seeds: ['host:port'], natMap?: { 'host:port': { host, port } } } for a Redis Cluster
//   await c.get(id)            // the cached value of record `id` (fetched on a miss)
//   await c.getMany?.(ids)     // a batch API where the library has one
//   c.defineStore?.(i)         // the library's unit of cache definition, for the memory scenario
//   await c.close()
//
// Each peer runs with Redis only (no in-memory tier, as cacheme without `local`) at its
// documented best settings; `localContestants` (bench/local.mjs) are the two-tier ones. Peers that take an ioredis client get one with enableAutoPipelining (it only helps
// them under 100 parallel callers); @keyv/redis and the cachified adapter use node-redis, which
// pipelines same-tick commands by itself.
import { cached, createClient } from 'cacheme'
import { Redis, Cluster } from './support/ioredis.mjs'
import { codec } from './support/value.mjs'

function ioredisOf(url, cluster, options = {}) {
  if (cluster) return new Cluster(cluster.seeds, { ...options, ...ioredisClusterOptions(cluster) })
  return new Redis(url, options)
}

function ioredisClusterOptions(cluster) {
  return cluster.natMap ? { natMap: cluster.natMap, slotsRefreshInterval: 0 } : {}
}

function nodeRedisCluster(createCluster, cluster) {
  return createCluster({
    rootNodes: cluster.seeds.map((s) => ({ url: `redis://${s}` })),
    ...(cluster.natMap ? { nodeAddressMap: cluster.natMap } : {}),
  })
}

/** Cache-aside by hand: GET + decode with cacheme's default codec (unframed); on a miss fetch and SET. */
function rawContestant(name, options) {
  return {
    name,
    baseline: true,
    async open({ url, cluster, prefix, ttlSeconds, fetch }) {
      const redis = ioredisOf(url, cluster, options)
      const keyOf = (id) => `${prefix}:${id}`
      return {
        async get(id) {
          const key = keyOf(id)
          const bytes = await redis.getBuffer(key)
          if (bytes !== null) return codec.decode(bytes)
          const value = await fetch(id)
          if (ttlSeconds > 0) await redis.set(key, codec.encode(value), 'EX', ttlSeconds)
          else await redis.set(key, codec.encode(value))
          return value
        },
        async getMany(ids) {
          const keys = ids.map(keyOf)
          // MGET only works within one slot on a cluster: there, one GET per key (pipelined
          // per node by auto-pipelining, or sent one by one without it).
          const found = cluster ? await Promise.all(keys.map((k) => redis.getBuffer(k))) : await redis.mgetBuffer(keys)
          return Promise.all(found.map((bytes, i) => (bytes !== null ? codec.decode(bytes) : this.get(ids[i]))))
        },
        close: () => redis.quit(),
      }
    },
  }
}

/** cacheme with store options `options` (`variant`: a setting of cacheme, not a peer, in the goals). */
function cachemeWith(name, options = {}, variant = false) {
  return {
    name,
    variant,
    async open({ url, cluster, prefix, ttlSeconds, fetch }) {
      const client = createClient(cluster ? { cluster: { nodes: cluster.seeds, options: ioredisClusterOptions(cluster) } } : { redis: url })
      const store = cached(`${prefix}:<<id>>`, ({ id }) => fetch(id), { ttl: ttlSeconds, client, ...options })
      return {
        get: (id) => store.get({ id }),
        getMany: (ids) => store.getMany(ids.map((id) => ({ id }))),
        defineStore: (i) => cached(`${prefix}:s${i}:<<id>>`, ({ id }) => fetch(id), { ttl: ttlSeconds, client, ...options }),
        close: () => client.close(),
      }
    },
  }
}

const cacheme = cachemeWith('cacheme')
/** Issue 9's dedupe cost: the same store without in-process singleflight (scenario (a) only). */
const cachemeNoSingleflight = cachemeWith('cacheme, singleflight off', { singleflight: false }, true)

const bentocache = {
  name: 'bentocache',
  async open({ url, cluster, prefix, ttlSeconds, fetch }) {
    const { BentoCache, bentostore } = await import('bentocache')
    const { redisDriver } = await import('bentocache/drivers/redis')
    const connection = ioredisOf(url, cluster, { enableAutoPipelining: true })
    const bento = new BentoCache({
      default: 'redis',
      prefix,
      stores: { redis: bentostore().useL2Layer(redisDriver({ connection })) },
    })
    const ttl = ttlSeconds > 0 ? `${ttlSeconds}s` : undefined
    return {
      get: (id) => bento.getOrSet({ key: String(id), ttl, factory: () => fetch(id) }),
      defineStore: (i) => bento.namespace(`s${i}`),
      close: async () => {
        await bento.disconnectAll()
      },
    }
  },
}

const cacheManager = {
  name: 'cache-manager',
  async open({ url, cluster, prefix, ttlSeconds, fetch }) {
    const { createCache } = await import('cache-manager')
    const { createKeyv, createCluster } = await import('@keyv/redis')
    const { Keyv } = await import('keyv')
    const { default: KeyvRedis } = await import('@keyv/redis')
    const keyv = cluster
      ? new Keyv({
          store: new KeyvRedis(nodeRedisCluster(createCluster, cluster), { namespace: prefix }),
          namespace: prefix,
          useKeyPrefix: false,
        })
      : createKeyv(url, { namespace: prefix })
    const cache = createCache({ stores: [keyv] })
    const ttlMs = ttlSeconds * 1000
    return {
      get: (id) => cache.wrap(String(id), () => fetch(id), ttlMs || undefined),
      getMany: async (ids) => {
        const found = await cache.mget(ids.map(String))
        return Promise.all(found.map((v, i) => (v !== undefined ? v : cache.wrap(String(ids[i]), () => fetch(ids[i]), ttlMs || undefined))))
      },
      defineStore: () => createCache({ stores: [keyv] }),
      close: () => cache.disconnect(),
    }
  },
}

const cachified = {
  name: 'cachified',
  async open({ url, cluster, prefix, ttlSeconds, fetch }) {
    const { cachified: run } = await import('@epic-web/cachified')
    const { nodeRedisCacheAdapter } = await import('./support/cachified-redis-adapter.mjs')
    const { createClient: createRedis, createCluster } = await import('@redis/client')
    const redis = cluster ? nodeRedisCluster(createCluster, cluster) : createRedis({ url })
    await redis.connect()
    const cache = nodeRedisCacheAdapter(redis)
    const ttl = ttlSeconds > 0 ? ttlSeconds * 1000 : Infinity
    return {
      get: (id) => run({ cache, key: `${prefix}:${id}`, ttl, getFreshValue: () => fetch(id) }),
      close: () => redis.close(),
    }
  },
}

const asyncCacheDedupe = {
  name: 'async-cache-dedupe',
  async open({ url, cluster, prefix, ttlSeconds, fetch }) {
    const { createCache } = await import('async-cache-dedupe')
    const client = ioredisOf(url, cluster, { enableAutoPipelining: true })
    const cache = createCache({ ttl: ttlSeconds, storage: { type: 'redis', options: { client } } })
    cache.define(prefix.replace(/\W/g, '_'), (id) => fetch(id))
    const call = cache[prefix.replace(/\W/g, '_')]
    return {
      get: (id) => call(id),
      defineStore: (i) => cache.define(`s${i}`, (id) => fetch(id)),
      close: () => client.quit(),
    }
  },
}

/**
 * The local tier's peers (bench/scenarios/i-local.mjs): two-tier caches whose in-process tier is
 * kept coherent across processes. Their values are the same record; each decodes per get, as
 * cacheme's `local: true` does (a fresh copy).
 */
const cachemeLocal = cachemeWithClient('cacheme local', { local: true })
const cachemeLocalShared = cachemeWithClient('cacheme local shared', { local: { shared: true } })

function cachemeWithClient(name, clientOptions) {
  return {
    name,
    async open({ url, prefix, ttlSeconds, fetch }) {
      const client = createClient({ redis: url, ...clientOptions })
      const store = cached(`${prefix}:<<id>>`, ({ id }) => fetch(id), { ttl: ttlSeconds, client })
      return {
        get: (id) => store.get({ id }),
        set: (id, value) => store.set({ id }, value),
        close: () => client.close(),
      }
    },
  }
}

/** node-redis 5's client-side cache: RESP3 and CLIENT TRACKING on the connection, JSON values. */
const nodeRedisCsc = {
  name: 'node-redis 5 client-side cache',
  async open({ url, prefix, ttlSeconds, fetch }) {
    const { createClient: createRedis } = await import('redis')
    const redis = createRedis({ url, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 100_000, evictPolicy: 'LRU' } })
    redis.on('error', () => {})
    await redis.connect()
    const keyOf = (id) => `${prefix}:${id}`
    return {
      async get(id) {
        const text = await redis.get(keyOf(id))
        if (text !== null) return JSON.parse(text)
        const value = await fetch(id)
        await redis.set(keyOf(id), JSON.stringify(value), { EX: ttlSeconds })
        return value
      },
      set: (id, value) => redis.set(keyOf(id), JSON.stringify(value), { EX: ttlSeconds }),
      close: () => redis.close(),
    }
  },
}

/** bentocache with its memory tier (L1), Redis (L2) and the Redis bus that tells other processes' L1s of writes. */
const bentocacheTwoTier = {
  name: 'bentocache L1+L2+bus',
  async open({ url, prefix, ttlSeconds, fetch }) {
    const { BentoCache, bentostore } = await import('bentocache')
    const { redisDriver, redisBusDriver } = await import('bentocache/drivers/redis')
    const { memoryDriver } = await import('bentocache/drivers/memory')
    const connection = new Redis(url, { enableAutoPipelining: true })
    const { hostname, port } = new URL(url)
    const bento = new BentoCache({
      default: 'tiers',
      prefix,
      stores: {
        tiers: bentostore()
          .useL1Layer(memoryDriver({ maxSize: '64mb', maxItems: 100_000 }))
          .useL2Layer(redisDriver({ connection }))
          .useBus(redisBusDriver({ connection: { host: hostname, port: Number(port) } })),
      },
    })
    const ttl = `${ttlSeconds}s`
    return {
      get: (id) => bento.getOrSet({ key: String(id), ttl, factory: () => fetch(id) }),
      set: (id, value) => bento.set({ key: String(id), value, ttl }),
      close: async () => {
        await bento.disconnectAll()
      },
    }
  },
}

const rawPlain = rawContestant('ioredis GET+decode', {})
const rawAuto = rawContestant('ioredis auto-pipelined', { enableAutoPipelining: true })

/** In table order: the two baselines, cacheme, then the peers. */
export const contestants = [rawPlain, rawAuto, cacheme, bentocache, cacheManager, cachified, asyncCacheDedupe]
export { cacheme, cachemeNoSingleflight }
/** Scenario (i), the local tier: cacheme's two settings and the coherent two-tier peers. */
export const localContestants = [cachemeLocal, cachemeLocalShared, nodeRedisCsc, bentocacheTwoTier]
