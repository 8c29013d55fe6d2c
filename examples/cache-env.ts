import type { ClientOptions } from 'cacheme'

/** The cache client options the recipes' servers take from the environment. */
export function cacheOptionsFromEnv(env: NodeJS.ProcessEnv): ClientOptions {
  return {
    ...(env.REDIS_URL ? { redis: env.REDIS_URL } : {}), // else the embedded memory backend
    ...(env.CACHE_PREFIX ? { prefix: env.CACHE_PREFIX } : {}),
    timeout: env.CACHE_TIMEOUT ?? '1s',
  }
}
