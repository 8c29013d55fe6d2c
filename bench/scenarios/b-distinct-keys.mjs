import { throughput } from './throughput.mjs'

export const DISTINCT_KEYS = 100_000

/** (b) hits spread over 100,000 distinct keys by 100 parallel callers: ops/s and p99. */
export const DISTINCT = {
  name: 'b',
  keys: DISTINCT_KEYS,
  ttlSeconds: 3600,
  parallel: 100,
  warmMs: 500,
  keyOf: (_loop, _n, seq) => seq % DISTINCT_KEYS,
}

export function distinctKeys({ contestants, url, server, rounds, roundMs, log }) {
  return throughput({ ...DISTINCT, contestants, url, server, log, rounds, roundMs })
}
