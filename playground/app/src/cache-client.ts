import { AsyncLocalStorage } from 'node:async_hooks'
import { configure, type CacheOp, type Client, type ClientOptions } from 'cacheme'

/** One logger call, attributed to the request that caused it. */
export interface CacheEvent {
  key: string
  op: CacheOp
}

const requestEvents = new AsyncLocalStorage<CacheEvent[]>()

/** Runs `handle` collecting the cache ops it causes (the logger runs in the request's async context). */
export function collectCacheEvents<T>(events: CacheEvent[], handle: () => T): T {
  return requestEvents.run(events, handle)
}

/** The default client: Redis with REDIS_URL, a cluster with REDIS_CLUSTER, else the embedded memory backend. */
export function configureFromEnv(env: NodeJS.ProcessEnv): Client {
  const backend: ClientOptions = env.REDIS_URL
    ? { redis: env.REDIS_URL }
    : env.REDIS_CLUSTER
      ? {
          cluster: env.REDIS_CLUSTER.split(',')
            .map((seed) => seed.trim())
            .filter(Boolean),
        }
      : {}
  return configure({
    ...backend,
    ...(env.CACHEME_PREFIX ? { prefix: env.CACHEME_PREFIX } : {}),
    logger: { log: (_store, key, op) => requestEvents.getStore()?.push({ key, op }) },
  })
}
