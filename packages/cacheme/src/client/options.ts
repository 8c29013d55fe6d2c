import { Redis, Cluster } from 'ioredis'
import type { ClusterNode, ClusterOptions, RedisOptions } from 'ioredis'
import { checkOptions } from '../check-options.js'
import { resolveLocal, type LocalOptions } from '../local/options.js'
import { describeValue } from '../describe.js'
import type { Logger } from './logger.js'
import { Secrets } from './secrets.js'
import { resolveTimeout } from './timeout.js'

export type ClusterSeed = string | { host: string; port: number }

/** An ioredis `Redis` or `Cluster`, from this copy of ioredis or any other (an app's own ioredis 5, linked packages). */
export type RedisInstance = Redis | Cluster

export interface ClientOptions {
  /** A `redis://` or `rediss://` URL, ioredis options, or an existing ioredis `Redis` or `Cluster`. */
  redis?: string | RedisOptions | RedisInstance
  /** Seed nodes of a Redis Cluster, or `{ nodes, options }` with ioredis cluster options. */
  cluster?: ClusterSeed[] | { nodes: ClusterSeed[]; options?: ClusterOptions }
  /** ioredis cluster options, when `cluster` is a list of seeds. */
  clusterOptions?: ClusterOptions
  /** Prefix of every key; default `'cacheme'`. */
  prefix?: string
  logger?: Logger
  /**
   * Time budget of a call's cache work (a number of ms or a duration like '500ms'): one
   * deadline per `get` for all its Redis commands; past it the `get` falls back to the fetcher,
   * and `set`, `invalidate` and `invalidateAll` reject with CacheUnavailableError. Default 1000 ms.
   */
  timeout?: number | string
  /**
   * A local tier in process memory in front of Redis, kept coherent by Redis's invalidations
   * (`CLIENT TRACKING`): `true` for the defaults, or its bounds. Off when absent. On the memory
   * backend it is accepted and changes nothing.
   */
  local?: boolean | LocalOptions
}

const KNOWN = ['redis', 'cluster', 'clusterOptions', 'prefix', 'logger', 'timeout', 'local'] as const

/**
 * Options of the connections the client creates (the user's own instances keep theirs): a
 * command waiting for a lost connection fails at the next reconnect attempt instead of queueing
 * for 20 of them, and a command sent before a disconnect is not replayed after it (the call's
 * deadline has long since given up on it). Explicit user options win.
 */
const OWNED_CONNECTION_DEFAULTS: RedisOptions = { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false }

/** Where values live, as the client opened (or was handed) it. */
export interface ResolvedConnection {
  redis: RedisInstance | undefined
  /** Whether the client created the connection (and so closes it). */
  owned: boolean
  /** Where it points, without secrets. */
  description: string
  secrets: Secrets
}

export function validateClientOptions(options: unknown): ClientOptions {
  if (options === undefined) return {}
  const o = checkOptions<ClientOptions>(options, KNOWN, {
    kind: 'client',
    owner: 'createClient()',
    example: "{ redis: 'redis://127.0.0.1:6379' }",
  })
  if (o.prefix !== undefined && (typeof o.prefix !== 'string' || o.prefix.length === 0 || /[\s*?[\]{}]/.test(o.prefix))) {
    throw new TypeError(`cacheme: prefix must be a non-empty string without whitespace or * ? [ ] { }, got ${describeValue(o.prefix)}`)
  }
  if (o.logger !== undefined && (o.logger === null || typeof o.logger !== 'object' || typeof o.logger.log !== 'function')) {
    throw new TypeError(`cacheme: logger must be an object with a log(store, key, op, detail) method, got ${describeValue(o.logger)}`)
  }
  if (o.timeout !== undefined) resolveTimeout(o.timeout)
  resolveLocal(o.local)
  if (o.redis !== undefined && o.cluster !== undefined) {
    throw new TypeError(`cacheme: give either 'redis' or 'cluster', not both`)
  }
  return o
}

/**
 * Whether `value` is an ioredis instance, of any copy of ioredis: `instanceof` only knows this
 * copy's classes, and reading another copy's instance as options would connect somewhere the
 * user never named. What cacheme calls on it is what the check asks for.
 */
export function isRedisInstance(value: unknown): value is RedisInstance {
  if (value === null || typeof value !== 'object') return false
  if (value instanceof Redis || value instanceof Cluster) return true
  const v = value as Record<string, unknown>
  return (
    typeof v.callBuffer === 'function' &&
    typeof v.pipeline === 'function' &&
    typeof v.duplicate === 'function' &&
    typeof v.status === 'string' &&
    v.options !== null &&
    typeof v.options === 'object'
  )
}

/** Something that looks like a Redis client but isn't one cacheme can drive (node-redis, a partial ioredis). */
function looksLikeAnotherClient(value: object): boolean {
  const v = value as Record<string, unknown>
  return ['sendCommand', 'connect', 'disconnect', 'quit', 'get', 'set'].some((name) => typeof v[name] === 'function')
}

export function openConnection(options: ClientOptions): ResolvedConnection {
  const { redis, cluster } = options
  const secrets = new Secrets()
  if (isRedisInstance(redis)) {
    const isCluster = (redis as Cluster).isCluster === true
    const instanceOptions = redis.options as RedisOptions & { redisOptions?: RedisOptions }
    refuseKeyPrefix(instanceOptions.keyPrefix ?? instanceOptions.redisOptions?.keyPrefix, 'your ioredis instance')
    secrets.add(instanceOptions.password)
    secrets.add(instanceOptions.redisOptions?.password)
    return { redis, owned: false, description: `${isCluster ? 'cluster' : 'redis'} (your ioredis instance)`, secrets }
  }
  if (typeof redis === 'string') return fromUrl(redis, secrets)
  if (redis !== undefined) {
    if (redis === null || typeof redis !== 'object' || Array.isArray(redis)) {
      throw new TypeError(`cacheme: 'redis' must be a URL, ioredis options or an ioredis instance, got ${describeValue(redis)}`)
    }
    if (looksLikeAnotherClient(redis)) {
      throw new TypeError(
        `cacheme: 'redis' is a ${describeValue(redis)} with methods but not an ioredis Redis or Cluster (it lacks callBuffer, pipeline or duplicate); pass an ioredis instance, a URL or ioredis options`,
      )
    }
    const o = redis as RedisOptions
    refuseKeyPrefix(o.keyPrefix, "the 'redis' options")
    secrets.add(o.password)
    return {
      redis: quiet(new Redis({ ...OWNED_CONNECTION_DEFAULTS, ...o })),
      owned: true,
      description: `redis ${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`,
      secrets,
    }
  }
  if (cluster !== undefined) {
    const nodes = Array.isArray(cluster) ? cluster : cluster?.nodes
    const clusterOptions = Array.isArray(cluster) ? options.clusterOptions : cluster?.options
    if (!Array.isArray(nodes) || nodes.length === 0) {
      throw new TypeError(`cacheme: 'cluster' must be a non-empty list of 'host:port' seeds, got ${describeValue(cluster)}`)
    }
    const seeds = nodes.map(parseSeed)
    refuseKeyPrefix(clusterOptions?.keyPrefix ?? clusterOptions?.redisOptions?.keyPrefix, 'the cluster options')
    secrets.add(clusterOptions?.redisOptions?.password)
    return {
      redis: quiet(
        new Cluster(seeds, {
          ...clusterOptions,
          redisOptions: { ...OWNED_CONNECTION_DEFAULTS, ...clusterOptions?.redisOptions },
        }),
      ),
      owned: true,
      description: `cluster ${seeds.map((s) => `${s.host}:${s.port}`).join(',')}`,
      secrets,
    }
  }
  return { redis: undefined, owned: true, description: 'memory (embedded, this process only)', secrets }
}

/**
 * Parsed here, not by ioredis: its URL parser throws a TypeError whose `input` is the whole
 * URL, password included. The password goes to the client's secrets before anything can fail.
 */
function fromUrl(url: string, secrets: Secrets): ResolvedConnection {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (parsed) {
    secrets.add(parsed.password)
    secrets.add(parsed.searchParams.get('password') ?? undefined)
  }
  const shown = secrets.redact(url)
  if (!/^rediss?:\/\//i.test(url)) {
    throw new TypeError(`cacheme: redis URL must start with redis:// or rediss://, got ${JSON.stringify(shown)}`)
  }
  if (!parsed) {
    throw new TypeError(
      `cacheme: redis URL ${JSON.stringify(shown)} is not a valid URL; percent-encode special characters of a password ('/' as %2F, '@' as %40, '#' as %23)`,
    )
  }
  let connection: Redis
  try {
    connection = new Redis(url, { ...OWNED_CONNECTION_DEFAULTS, lazyConnect: false })
  } catch (error) {
    throw new TypeError(
      `cacheme: redis URL ${JSON.stringify(shown)} can't be used: ${secrets.redact(error instanceof Error ? error.message : String(error))}`,
    )
  }
  const auth = parsed.username ? `${parsed.username}:***@` : parsed.password ? ':***@' : ''
  const db = parsed.pathname.length > 1 ? parsed.pathname : ''
  return { redis: quiet(connection), owned: true, description: `${parsed.protocol}//${auth}${parsed.host}${db}`, secrets }
}

/**
 * ioredis's keyPrefix applies to keys but not to pub/sub channels or script arguments, so the
 * herd's notices would miss their waiters and cluster batches would span slots. cacheme's own
 * `prefix` option does the same job everywhere.
 */
function refuseKeyPrefix(keyPrefix: unknown, where: string): void {
  if (typeof keyPrefix === 'string' && keyPrefix.length > 0) {
    throw new TypeError(
      `cacheme: ${where} set keyPrefix ${JSON.stringify(keyPrefix)}; cacheme can't use a key prefix of ioredis (its channels and scripts don't get it). Use createClient({ prefix: ${JSON.stringify(keyPrefix.replace(/:$/, ''))} }) instead`,
    )
  }
}

/** Connection errors surface as failed operations (and a fallback); the event itself is noise here. */
function quiet<C extends RedisInstance>(connection: C): C {
  connection.on('error', () => {})
  return connection
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
