import { checkOptions } from '../check-options.js'
import type { Client } from '../client/client.js'
import { resolveCodec, type CodecOption, type ValueFormat } from '../codec/codec.js'
import { describeValue } from '../describe.js'
import type { FetchMany } from '../herd/batch.js'
import type { LockSettings } from '../herd/herd.js'
import { resolveStoreLocal, type StoreLocal, type StoreLocalOption } from '../local/options.js'
import { parseTtl } from '../template/parse-duration.js'
import { StoreTags, type TagsOption } from './tags.js'
import type { FreshnessPolicy } from '../herd/freshness.js'
import { FRESHNESS_OPTIONS, normalizeFreshness, type FreshnessOptions } from './freshness-options.js'

export type Version = string | number
export type Ttl = number | string

/** Distributed herd protection: `false` turns it off. */
export interface LockOptions {
  /** How long a fetch holds the lock before others may take over; extended while it runs. Default 5s. */
  ttl?: Ttl
  /** How long a caller waits for another process's fetch in all before taking the lock over. Default: the lock TTL. */
  wait?: Ttl
}

export interface StoreOptions<T = unknown, P = never> extends FreshnessOptions {
  ttl?: Ttl
  /** The key version: a value, or a function called whenever a key is built. Default 1. */
  version?: Version | (() => Version)
  /** Default: the template text. */
  name?: string
  /** In-process dedupe of concurrent loads of one key. Default true. */
  singleflight?: boolean
  lock?: false | LockOptions
  codec?: CodecOption<T>
  /** Default: the client set by `configure()`, resolved when an operation runs. */
  client?: Client
  /**
   * Tags of every key of this store, for `invalidateTags()`: static (`['posts', 'author:<<authorID>>']`,
   * placeholders filled from the params) or a function of params and value.
   */
  tags?: TagsOption<P, T>
  /**
   * Loads many misses in one call (one SQL `WHERE id = ANY($1)`): the misses of one `getMany`,
   * one `pipeline.execute()` or the `get`s of one tick that this process must fetch go to ONE
   * call; it returns their values in the same order. The fetcher still loads single keys
   * (`refresh()`, a key taken over after waiting on another process).
   */
  fetchMany?: FetchMany<P, T>
  /** The client's local tier for this store: `false` keeps it out, `{ ttl }` keeps its values locally at most this long (capped at the client's `local.ttl`). */
  local?: StoreLocalOption
}

export interface NormalizedOptions<T> {
  ttlMs: number
  version: Version | (() => Version)
  name: string
  singleflight: boolean
  lock: LockSettings
  format: ValueFormat<T>
  client: Client | undefined
  tags: StoreTags | undefined
  fetchMany: FetchMany<any, T> | undefined
  fresh: FreshnessPolicy
  /** undefined: the client's local tier as it is. */
  local: StoreLocal | undefined
}

const KNOWN = [
  'ttl',
  'version',
  'name',
  'singleflight',
  'lock',
  'codec',
  'client',
  'tags',
  'fetchMany',
  'local',
  ...FRESHNESS_OPTIONS,
] as const
export const DEFAULT_LOCK_TTL_MS = 5000

export function normalizeOptions<T>(
  ttlOrOptions: Ttl | StoreOptions<T, any> | undefined,
  template: string,
  fixed: { ttlMs?: number; name?: string; version?: Version } = {},
  isClient: (value: unknown) => boolean,
  placeholders: readonly string[] = [],
): NormalizedOptions<T> {
  const options: StoreOptions<T, any> =
    ttlOrOptions === undefined
      ? {}
      : typeof ttlOrOptions === 'number' || typeof ttlOrOptions === 'string'
        ? { ttl: ttlOrOptions }
        : checkOptions<StoreOptions<T, any>>(ttlOrOptions, KNOWN, {
            kind: '',
            owner: `'${template}'`,
            example: `a TTL ('5m', 300) or { ttl: '5m' }`,
          })
  const name = options.name ?? fixed.name ?? template
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`cacheme: name of '${template}' must be a non-empty string, got ${describeValue(name)}`)
  }
  const version = options.version ?? fixed.version ?? 1
  if (typeof version !== 'function') checkVersion(version, name)
  if (options.singleflight !== undefined && typeof options.singleflight !== 'boolean') {
    throw new TypeError(`cacheme: singleflight of '${name}' must be true or false, got ${describeValue(options.singleflight)}`)
  }
  const client = options.client
  if (client !== undefined && !isClient(client)) {
    throw new TypeError(`cacheme: client of '${name}' must come from createClient() or configure(), got ${describeValue(client)}`)
  }
  const fetchMany = options.fetchMany
  if (fetchMany !== undefined && typeof fetchMany !== 'function') {
    throw new TypeError(`cacheme: fetchMany of '${name}' must be a function (paramsList, ctx) => values, got ${describeValue(fetchMany)}`)
  }
  return {
    ttlMs: options.ttl !== undefined ? parseTtl(options.ttl, `ttl of '${name}'`) : (fixed.ttlMs ?? 0),
    version,
    name,
    singleflight: options.singleflight ?? true,
    lock: normalizeLock(options.lock, name),
    format: resolveCodec(options.codec, name),
    client,
    tags: options.tags === undefined ? undefined : new StoreTags(options.tags, name, template, placeholders),
    fetchMany,
    fresh: normalizeFreshness(options, name),
    local: resolveStoreLocal(options.local, name),
  }
}

function normalizeLock(lock: unknown, name: string): LockSettings {
  if (lock === false) return { herd: false, ttlMs: DEFAULT_LOCK_TTL_MS, waitMs: DEFAULT_LOCK_TTL_MS }
  if (lock === undefined || lock === true) return { herd: true, ttlMs: DEFAULT_LOCK_TTL_MS, waitMs: DEFAULT_LOCK_TTL_MS }
  if (lock === null || typeof lock !== 'object' || Array.isArray(lock)) {
    throw new TypeError(`cacheme: lock of '${name}' must be false or { ttl, wait }, got ${describeValue(lock)}`)
  }
  const { ttl, wait } = checkOptions<LockOptions>(lock, ['ttl', 'wait'], {
    kind: 'lock',
    owner: `'${name}'`,
    example: "{ ttl: '5s', wait: '5s' }",
  })
  const ttlMs = ttl === undefined ? DEFAULT_LOCK_TTL_MS : parseTtl(ttl, `lock.ttl of '${name}'`)
  if (ttlMs <= 0) throw new TypeError(`cacheme: lock.ttl of '${name}' must be greater than 0, got ${describeValue(ttl)}`)
  const waitMs = wait === undefined ? ttlMs : parseTtl(wait, `lock.wait of '${name}'`)
  return { herd: true, ttlMs, waitMs }
}

export function checkVersion(version: unknown, name: string): Version {
  if ((typeof version === 'string' && version.length > 0) || (typeof version === 'number' && Number.isFinite(version))) {
    return version
  }
  throw new TypeError(`cacheme: version of '${name}' must be a non-empty string or a finite number, got ${describeValue(version)}`)
}
