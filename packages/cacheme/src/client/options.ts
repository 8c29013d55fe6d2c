import { Redis, Cluster } from 'ioredis'
import type { ClusterNode, ClusterOptions, RedisOptions } from 'ioredis'
import { describeValue } from '../template/parse-template.js'
import type { Logger } from './logger.js'
import { resolveTimeout } from './timeout.js'

export type ClusterSeed = string | { host: string; port: number }

export interface ClientOptions {
  /** A `redis://` or `rediss://` URL, ioredis options, or an existing ioredis `Redis` or `Cluster`. */
  redis?: string | RedisOptions | Redis | Cluster
  /** Seed nodes of a Redis Cluster, or `{ nodes, options }` with ioredis cluster options. */
  cluster?: ClusterSeed[] | { nodes: ClusterSeed[]; options?: ClusterOptions }
  /** ioredis cluster options, when `cluster` is a list of seeds. */
  clusterOptions?: ClusterOptions
  /** Prefix of every key; default `'cacheme'`. */
  prefix?: string
  logger?: Logger
  /**
   * Time budget of each Redis operation (a number of ms or a duration like '500ms'); past it a
   * `get` falls back to the fetcher, and `set`, `invalidate` and `invalidateAll` reject with
   * CacheUnavailableError. Default 1000 ms.
   */
  timeout?: number | string
}

const KNOWN = new Set(['redis', 'cluster', 'clusterOptions', 'prefix', 'logger', 'timeout'])

/**
 * Options of the connections the client creates (the user's own instances keep theirs): a
 * command waiting for a lost connection fails at the next reconnect attempt instead of queueing
 * for 20 of them, and a command sent before a disconnect is not replayed after it (our time
 * budget has long since given up on it). Explicit user options win.
 */
const OWNED_CONNECTION_DEFAULTS: RedisOptions = { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false }

/** Connection errors surface as failed operations (and a fallback); the event itself is noise. */
function quiet<C extends Redis | Cluster>(connection: C): C {
  connection.on('error', () => {})
  return connection
}

/** A Redis URL with any password replaced, safe for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_, scheme: string, auth: string) => {
    const colon = auth.indexOf(':')
    return `${scheme}${colon === -1 ? '***' : auth.slice(0, colon) + ':***'}@`
  })
}

export interface ResolvedConnection {
  redis: Redis | Cluster | undefined
  /** Whether the client created the connection (and so closes it). */
  owned: boolean
  /** Where it points, without secrets. */
  description: string
}

export function validateClientOptions(options: unknown): ClientOptions {
  if (options === undefined) return {}
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`cacheme: client options must be an object like { redis: 'redis://127.0.0.1:6379' }, got ${describeValue(options)}`)
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new TypeError(`cacheme: unknown client option '${key}'; expected one of ${[...KNOWN].join(', ')}`)
    }
  }
  const o = options as ClientOptions
  if (o.prefix !== undefined && (typeof o.prefix !== 'string' || o.prefix.length === 0 || /[\s*?[\]{}]/.test(o.prefix))) {
    throw new TypeError(`cacheme: prefix must be a non-empty string without whitespace or * ? [ ] { }, got ${describeValue(o.prefix)}`)
  }
  if (o.logger !== undefined && (o.logger === null || typeof o.logger !== 'object' || typeof o.logger.log !== 'function')) {
    throw new TypeError(`cacheme: logger must be an object with a log(store, key, op) method, got ${describeValue(o.logger)}`)
  }
  if (o.timeout !== undefined) resolveTimeout(o.timeout)
  if (o.redis !== undefined && o.cluster !== undefined) {
    throw new TypeError(`cacheme: give either 'redis' or 'cluster', not both`)
  }
  return o
}

export function openConnection(options: ClientOptions): ResolvedConnection {
  const { redis, cluster } = options
  if (redis instanceof Redis) return { redis, owned: false, description: 'redis (your ioredis instance)' }
  if (redis instanceof Cluster) return { redis, owned: false, description: 'cluster (your ioredis instance)' }
  if (typeof redis === 'string') {
    if (!/^rediss?:\/\//i.test(redis)) {
      throw new TypeError(`cacheme: redis URL must start with redis:// or rediss://, got ${JSON.stringify(redactUrl(redis))}`)
    }
    return { redis: quiet(new Redis(redis, { ...OWNED_CONNECTION_DEFAULTS, lazyConnect: false })), owned: true, description: redactUrl(redis) }
  }
  if (redis !== undefined) {
    if (redis === null || typeof redis !== 'object' || Array.isArray(redis)) {
      throw new TypeError(`cacheme: 'redis' must be a URL, ioredis options or an ioredis instance, got ${describeValue(redis)}`)
    }
    const o = redis as RedisOptions
    return { redis: quiet(new Redis({ ...OWNED_CONNECTION_DEFAULTS, ...o })), owned: true, description: `redis ${o.host ?? '127.0.0.1'}:${o.port ?? 6379}` }
  }
  if (cluster !== undefined) {
    const nodes = Array.isArray(cluster) ? cluster : cluster?.nodes
    const clusterOptions = Array.isArray(cluster) ? options.clusterOptions : cluster?.options
    if (!Array.isArray(nodes) || nodes.length === 0) {
      throw new TypeError(`cacheme: 'cluster' must be a non-empty list of 'host:port' seeds, got ${describeValue(cluster)}`)
    }
    const seeds = nodes.map(parseSeed)
    return {
      redis: quiet(new Cluster(seeds, {
        ...clusterOptions,
        redisOptions: { ...OWNED_CONNECTION_DEFAULTS, ...clusterOptions?.redisOptions },
      })),
      owned: true,
      description: `cluster ${seeds.map((s) => `${s.host}:${s.port}`).join(',')}`,
    }
  }
  return { redis: undefined, owned: true, description: 'memory (embedded, this process only)' }
}

function parseSeed(seed: unknown): ClusterNode & { host: string; port: number } {
  if (typeof seed === 'string') {
    const match = /^(.+):(\d{1,5})$/.exec(seed)
    if (match) return { host: match[1]!, port: Number(match[2]) }
  } else if (seed && typeof seed === 'object') {
    const { host, port } = seed as { host?: unknown; port?: unknown }
    if (typeof host === 'string' && typeof port === 'number' && Number.isInteger(port)) return { host, port }
  }
  throw new TypeError(`cacheme: cluster seed ${describeValue(seed)} is not 'host:port' or { host, port }`)
}
