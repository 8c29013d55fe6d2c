import { checkOptions } from '../check-options.js'
import { describeValue } from '../describe.js'
import { parseTtl } from '../template/parse-duration.js'

/** Client option `local`: the bounds of the in-process tier; `true` takes every default. */
export interface LocalOptions {
  /** At most this many values are kept. Default 100,000. */
  maxEntries?: number
  /** At most this many bytes of encoded values (a number, or '64mb', '512kb', '1gb'). Default '64mb'. */
  maxBytes?: number | string
  /** How long a value stays local at most (Redis's invalidation drops it earlier). Default '1m'. */
  ttl?: number | string
  /** Hand every caller the same decoded instance instead of a fresh copy (the caller must not mutate it). Default false. */
  shared?: boolean
}

/** Store option `local`: `false` keeps this store out of the tier; `{ ttl }` shortens its local TTL. */
export type StoreLocalOption = false | { ttl: number | string }

export interface LocalSettings {
  maxEntries: number
  maxBytes: number
  ttlMs: number
  shared: boolean
}

/** What a store asks of the tier: off, or its own cap on the local TTL (0: the client's). */
export type StoreLocal = false | { ttlMs: number }

export const LOCAL_DEFAULTS: LocalSettings = { maxEntries: 100_000, maxBytes: 64 * 1024 * 1024, ttlMs: 60_000, shared: false }
const KNOWN = ['maxEntries', 'maxBytes', 'ttl', 'shared'] as const
const BYTES = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i
const BYTE_UNIT: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/** The client's `local` option checked: undefined when off (absent or false). */
export function resolveLocal(option: unknown): LocalSettings | undefined {
  if (option === undefined || option === false) return undefined
  if (option === true) return { ...LOCAL_DEFAULTS }
  const o = checkOptions<LocalOptions>(option, KNOWN, {
    kind: 'local',
    owner: 'createClient()',
    example: "true or { maxEntries: 100_000, maxBytes: '64mb', ttl: '1m' }",
  })
  const maxEntries = o.maxEntries ?? LOCAL_DEFAULTS.maxEntries
  if (typeof maxEntries !== 'number' || !Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError(`cacheme: local.maxEntries must be an integer >= 1, got ${describeValue(o.maxEntries)}`)
  }
  const maxBytes = o.maxBytes === undefined ? LOCAL_DEFAULTS.maxBytes : parseBytes(o.maxBytes, 'local.maxBytes')
  const ttlMs = o.ttl === undefined ? LOCAL_DEFAULTS.ttlMs : parseTtl(o.ttl, 'local.ttl')
  if (ttlMs <= 0) throw new TypeError(`cacheme: local.ttl must be greater than 0, got ${describeValue(o.ttl)}`)
  if (o.shared !== undefined && typeof o.shared !== 'boolean') {
    throw new TypeError(`cacheme: local.shared must be true or false, got ${describeValue(o.shared)}`)
  }
  return { maxEntries, maxBytes, ttlMs, shared: o.shared ?? false }
}

/** A store's `local` option checked (its TTL is held to the client's when the store is used). */
export function resolveStoreLocal(option: unknown, name: string): StoreLocal | undefined {
  if (option === undefined) return undefined
  if (option === false) return false
  if (option === null || typeof option !== 'object' || Array.isArray(option)) {
    throw new TypeError(`cacheme: local of '${name}' must be false or { ttl }, got ${describeValue(option)}`)
  }
  const { ttl } = checkOptions<{ ttl?: number | string }>(option, ['ttl'], {
    kind: 'local',
    owner: `'${name}'`,
    example: "false or { ttl: '10s' }",
  })
  if (ttl === undefined) throw new TypeError(`cacheme: local of '${name}' must be false or { ttl }, got an object without ttl`)
  const ttlMs = parseTtl(ttl, `local.ttl of '${name}'`)
  if (ttlMs <= 0) throw new TypeError(`cacheme: local.ttl of '${name}' must be greater than 0, got ${describeValue(ttl)}`)
  return { ttlMs }
}

/** A size in bytes: a number, or text like '512kb', '64mb', '1gb' (units of 1024). */
export function parseBytes(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value
  const match = typeof value === 'string' ? BYTES.exec(value.trim()) : null
  const bytes = match ? Math.floor(Number(match[1]) * BYTE_UNIT[(match[2] ?? 'b').toLowerCase()]!) : 0
  if (bytes < 1) throw new TypeError(`cacheme: ${what} must be a number of bytes >= 1 or a size like '64mb', got ${describeValue(value)}`)
  return bytes
}
