import { cached, createClient } from 'cacheme'
import { Cluster, Redis } from '../support/ioredis.mjs'
import { countingCluster, countingProxy } from '../support/servers.mjs'
import { median } from '../support/stats.mjs'
import { bookValue, codec } from '../support/value.mjs'

export const COLD_BATCH = 100
export const LIST_ITEMS = 20
/** What one query to the source costs (a SQL round trip on a near database). */
export const QUERY_MS = 2

/**
 * A source that counts its queries: `one(id)` is `SELECT … WHERE id = $1`, `many(ids)` is
 * `SELECT … WHERE id = ANY($1)`; each query costs QUERY_MS, whatever it returns.
 */
export function countingSource() {
  const source = {
    queries: 0,
    async one(id) {
      source.queries++
      await sleep(QUERY_MS)
      return bookValue(id)
    },
    async many(ids) {
      source.queries++
      await sleep(QUERY_MS)
      return ids.map(bookValue)
    },
    async listIds(page) {
      source.queries++
      await sleep(QUERY_MS)
      return Array.from({ length: LIST_ITEMS }, (_, i) => page * LIST_ITEMS + i)
    },
  }
  return source
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function ioredisOf(where) {
  return where.cluster ? new Cluster(where.cluster.seeds, { natMap: where.cluster.natMap, slotsRefreshInterval: 0 }) : new Redis(where.url)
}

/**
 * The ways to read a cold list of ids, each with `read(ids)` and a `source` whose queries are
 * counted. Every contestant stores each record under its own key (TTL 1 h).
 */
export const batchContestants = [
  {
    name: 'cacheme getMany, fetchMany',
    async open(where, prefix, source) {
      const client = createClient(
        where.cluster
          ? { cluster: { nodes: where.cluster.seeds, options: { natMap: where.cluster.natMap, slotsRefreshInterval: 0 } } }
          : { redis: where.url },
      )
      const store = cached(`${prefix}:<<id>>`, ({ id }) => source.one(id), {
        ttl: 3600,
        client,
        fetchMany: (list) => source.many(list.map((p) => p.id)),
      })
      return { read: (ids) => store.getMany(ids.map((id) => ({ id }))), close: () => client.close() }
    },
  },
  {
    name: 'cacheme Promise.all(get), fetchMany',
    async open(where, prefix, source) {
      const client = createClient(
        where.cluster
          ? { cluster: { nodes: where.cluster.seeds, options: { natMap: where.cluster.natMap, slotsRefreshInterval: 0 } } }
          : { redis: where.url },
      )
      const store = cached(`${prefix}:<<id>>`, ({ id }) => source.one(id), {
        ttl: 3600,
        client,
        fetchMany: (list) => source.many(list.map((p) => p.id)),
      })
      return { read: (ids) => Promise.all(ids.map((id) => store.get({ id }))), close: () => client.close() }
    },
  },
  {
    name: 'cacheme getMany, no fetchMany',
    async open(where, prefix, source) {
      const client = createClient(
        where.cluster
          ? { cluster: { nodes: where.cluster.seeds, options: { natMap: where.cluster.natMap, slotsRefreshInterval: 0 } } }
          : { redis: where.url },
      )
      const store = cached(`${prefix}:<<id>>`, ({ id }) => source.one(id), { ttl: 3600, client })
      return { read: (ids) => store.getMany(ids.map((id) => ({ id }))), close: () => client.close() }
    },
  },
  {
    name: 'cachified createBatch',
    ...cachifiedWith(true),
  },
  {
    name: 'cachified Promise.all',
    ...cachifiedWith(false),
  },
  {
    name: 'by hand: MGET, one query, pipelined SET',
    async open(where, prefix, source) {
      const redis = ioredisOf(where)
      const keyOf = (id) => `${prefix}:${id}`
      return {
        async read(ids) {
          const keys = ids.map(keyOf)
          // MGET needs one slot on a cluster: there, one GET per key (one pipeline per node).
          const found = where.cluster ? await Promise.all(keys.map((k) => redis.getBuffer(k))) : await redis.mgetBuffer(keys)
          const missing = ids.filter((_, i) => found[i] === null)
          const values = found.map((bytes) => (bytes === null ? undefined : codec.decode(bytes)))
          if (missing.length > 0) {
            const fresh = await source.many(missing)
            // A pipeline needs one slot on a cluster: there, the SETs of one tick (one burst per node).
            if (where.cluster) {
              await Promise.all(missing.map((id, i) => redis.set(keyOf(id), codec.encode(fresh[i]), 'EX', 3600)))
            } else {
              const pipeline = redis.pipeline()
              missing.forEach((id, i) => pipeline.set(keyOf(id), codec.encode(fresh[i]), 'EX', 3600))
              await pipeline.exec()
            }
            let m = 0
            for (let i = 0; i < values.length; i++) if (values[i] === undefined) values[i] = fresh[m++]
          }
          return values
        },
        close: () => redis.quit(),
      }
    },
  },
]

function cachifiedWith(batched) {
  return {
    async open(where, prefix, source) {
      const { cachified, createBatch } = await import('@epic-web/cachified')
      const { nodeRedisCacheAdapter } = await import('../support/cachified-redis-adapter.mjs')
      const { createClient: createRedis, createCluster } = await import('@redis/client')
      const redis = where.cluster
        ? createCluster({ rootNodes: where.cluster.seeds.map((s) => ({ url: `redis://${s}` })), nodeAddressMap: where.cluster.natMap })
        : createRedis({ url: where.url })
      await redis.connect()
      const cache = nodeRedisCacheAdapter(redis)
      return {
        read(ids) {
          const batch = batched ? createBatch((missing) => source.many(missing)) : undefined
          return Promise.all(
            ids.map((id) =>
              cachified({
                cache,
                key: `${prefix}:${id}`,
                ttl: 3_600_000,
                getFreshValue: batch ? batch.add(id) : () => source.one(id),
              }),
            ),
          )
        },
        close: () => redis.close(),
      }
    },
  }
}

/**
 * Cold getMany(100): every round reads 100 ids never read before. Per contestant and topology:
 * source queries per call and round trips per node (through counting proxies: before the call
 * resolved, and in all once its writes landed), then ms per call over direct connections (a
 * proxy adds its own delays; median of the rounds).
 */
export async function coldBatch({ standalone, cluster, rounds, log }) {
  const results = []
  const proxy = await countingProxy(standalone.port)
  const proxies = await countingCluster(cluster.seeds)
  try {
    for (const topology of ['standalone', 'cluster']) {
      const where =
        topology === 'standalone'
          ? { url: `redis://127.0.0.1:${proxy.port}` }
          : { cluster: { seeds: proxies.seeds, natMap: proxies.clusterOptions.natMap } }
      const direct = topology === 'standalone' ? { url: standalone.url } : { cluster: { seeds: cluster.seeds } }
      const perNode = () => (topology === 'standalone' ? [proxy.roundTrips()] : [...proxies.busyNodes().values()])
      const reset = () => (topology === 'standalone' ? proxy.reset() : proxies.reset())
      // Timed over direct connections, rounds interleaved (round r of every contestant before
      // round r + 1 of any), so a noisy neighbour on the shared cores hits every contestant alike.
      const opened = []
      for (const contestant of batchContestants) {
        const source = countingSource()
        const prefix = `bench:i:${topology}:${contestant.name.replace(/\W+/g, '-')}:${Date.now()}`
        let next = 0
        const fresh = () => Array.from({ length: COLD_BATCH }, () => next++)
        const timed = await contestant.open(direct, prefix, source)
        for (let i = 0; i < 3; i++) await timed.read(fresh()) // warm: connections, scripts
        opened.push({ contestant, source, prefix, fresh, timed, ms: [] })
      }
      for (let r = 0; r < rounds; r++) {
        for (const o of opened) {
          const ids = o.fresh()
          const start = performance.now()
          await o.timed.read(ids)
          o.ms.push(performance.now() - start)
          await sleep(20) // its writes have landed
        }
      }
      for (const { contestant, source, prefix, fresh, timed, ms } of opened) {
        await timed.close()
        const c = await contestant.open(where, prefix, source)
        for (let i = 0; i < 3; i++) await c.read(fresh())
        const queries = []
        const tripsAtResolve = []
        const tripsInAll = []
        for (let r = 0; r < rounds; r++) {
          const ids = fresh()
          await sleep(20) // the previous round's writes have landed
          reset()
          source.queries = 0
          const values = await c.read(ids)
          tripsAtResolve.push(Math.max(...perNode()))
          if (values.length !== COLD_BATCH || values[7]?.id !== ids[7])
            throw new Error(`bench (batch): ${contestant.name} read wrong values`)
          queries.push(source.queries)
          await sleep(20)
          tripsInAll.push(Math.max(...perNode()))
        }
        await c.close()
        results.push({
          topology,
          contestant: contestant.name,
          ms: median(ms),
          bestMs: Math.min(...ms),
          queries: median(queries),
          tripsAtResolve: median(tripsAtResolve),
          tripsInAll: median(tripsInAll),
          nodes: topology === 'standalone' ? 1 : proxies.busyNodes().size,
        })
        log(
          `  batch: ${topology}: ${contestant.name}: ${median(ms).toFixed(1)} ms, ${median(queries)} queries, ${median(tripsAtResolve)}/${median(tripsInAll)} round trips per node`,
        )
      }
    }
  } finally {
    await proxy.close()
    await proxies.close()
  }
  return results
}

/**
 * The real-service shape: a list endpoint (`GET /posts?page=n`) that asks the source for the
 * page's 20 ids, then reads the 20 records through the cache; every page is cold. Reports
 * source queries per request and ms per request, on the standalone server.
 */
export async function listEndpoint({ standalone, rounds, log }) {
  const results = []
  for (const contestant of batchContestants) {
    const source = countingSource()
    const prefix = `bench:i:list:${contestant.name.replace(/\W+/g, '-')}:${Date.now()}`
    const c = await contestant.open({ url: standalone.url }, prefix, source)
    const handler = async (page) => c.read(await source.listIds(page))
    let page = 0
    for (let i = 0; i < 3; i++) await handler(page++)
    const ms = []
    const queries = []
    for (let r = 0; r < rounds * 3; r++) {
      source.queries = 0
      const start = performance.now()
      const items = await handler(page++)
      ms.push(performance.now() - start)
      if (items.length !== LIST_ITEMS) throw new Error(`bench (list): ${contestant.name} returned ${items.length} items`)
      queries.push(source.queries)
    }
    await c.close()
    results.push({ contestant: contestant.name, queries: median(queries), ms: median(ms), bestMs: Math.min(...ms) })
    log(`  list: ${contestant.name}: ${median(queries)} queries, ${median(ms).toFixed(1)} ms per request`)
  }
  return results
}
