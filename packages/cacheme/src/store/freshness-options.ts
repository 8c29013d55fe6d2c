import { checkOptions } from '../check-options.js'
import { describeValue } from '../describe.js'
import { NO_FRESHNESS, type FreshnessPolicy } from '../herd/freshness.js'
import { parseTtl } from '../template/parse-duration.js'

type Ttl = number | string

/** The store options of the contract's "Freshness" section. */
export interface FreshnessOptions {
  /** For this long after `ttl`, `get` returns the old value at once (op STALE) while one process refreshes it. */
  staleWhileRevalidate?: Ttl
  /** For this long after `ttl`, a failed or timed-out fetch returns the old value (op STALE) instead of the error. */
  staleIfError?: Ttl
  /** A TTL: the hard timeout. `soft`: past it, callers get a stale value if one exists; `hard`: the fetch's signal aborts. */
  fetchTimeout?: Ttl | { soft?: Ttl; hard?: Ttl }
  /** Probabilistic early refresh (XFetch), once across processes; `beta` (default 1) > 1 refreshes earlier. */
  earlyRefresh?: boolean | { beta?: number }
}

export const FRESHNESS_OPTIONS = ['staleWhileRevalidate', 'staleIfError', 'fetchTimeout', 'earlyRefresh'] as const

/** Checks and converts a store's freshness options to ms, naming any bad value. */
export function normalizeFreshness(options: FreshnessOptions, name: string): FreshnessPolicy {
  const { staleWhileRevalidate, staleIfError, fetchTimeout, earlyRefresh } = options
  if (staleWhileRevalidate === undefined && staleIfError === undefined && fetchTimeout === undefined && earlyRefresh === undefined) {
    return NO_FRESHNESS
  }
  const swrMs = staleWhileRevalidate === undefined ? 0 : parseTtl(staleWhileRevalidate, `staleWhileRevalidate of '${name}'`)
  const sieMs = staleIfError === undefined ? 0 : parseTtl(staleIfError, `staleIfError of '${name}'`)
  let softMs = 0
  let hardMs = 0
  if (typeof fetchTimeout === 'number' || typeof fetchTimeout === 'string') {
    hardMs = positive(parseTtl(fetchTimeout, `fetchTimeout of '${name}'`), 'fetchTimeout', name, fetchTimeout)
  } else if (fetchTimeout !== undefined) {
    if (!isPlainObject(fetchTimeout)) {
      throw new TypeError(
        `cacheme: fetchTimeout of '${name}' must be a TTL ('5s', 5) or { soft?, hard? }, got ${describeValue(fetchTimeout)}`,
      )
    }
    const { soft, hard } = checkOptions<{ soft?: Ttl; hard?: Ttl }>(fetchTimeout, ['soft', 'hard'], {
      kind: 'fetchTimeout',
      owner: `'${name}'`,
      example: "'5s' or { soft: '200ms', hard: '5s' }",
    })
    if (soft !== undefined) softMs = positive(parseTtl(soft, `fetchTimeout.soft of '${name}'`), 'fetchTimeout.soft', name, soft)
    if (hard !== undefined) hardMs = positive(parseTtl(hard, `fetchTimeout.hard of '${name}'`), 'fetchTimeout.hard', name, hard)
    if (softMs > 0 && hardMs > 0 && softMs >= hardMs) {
      throw new TypeError(
        `cacheme: fetchTimeout.soft of '${name}' (${describeValue(soft)}) must be shorter than fetchTimeout.hard (${describeValue(hard)})`,
      )
    }
  }
  return { swrMs, sieMs, softMs, hardMs, beta: normalizeBeta(earlyRefresh, name) }
}

function normalizeBeta(earlyRefresh: unknown, name: string): number {
  if (earlyRefresh === undefined || earlyRefresh === false) return 0
  if (earlyRefresh === true) return 1
  if (!isPlainObject(earlyRefresh)) {
    throw new TypeError(`cacheme: earlyRefresh of '${name}' must be true or { beta: number }, got ${describeValue(earlyRefresh)}`)
  }
  const { beta } = checkOptions<{ beta?: unknown }>(earlyRefresh, ['beta'], {
    kind: 'earlyRefresh',
    owner: `'${name}'`,
    example: 'true or { beta: 1 }',
  })
  if (beta === undefined) return 1
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0) {
    throw new TypeError(`cacheme: earlyRefresh.beta of '${name}' must be a finite number > 0 (default 1), got ${describeValue(beta)}`)
  }
  return beta
}

function positive(ms: number, what: string, name: string, value: unknown): number {
  if (ms <= 0) throw new TypeError(`cacheme: ${what} of '${name}' must be longer than 0, got ${describeValue(value)}`)
  return ms
}

function isPlainObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
