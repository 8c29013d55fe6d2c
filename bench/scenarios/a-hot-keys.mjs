import { throughput } from './throughput.mjs'

/** (a) the cacheme-go benchmark: 10 keys looped by 100 parallel callers, all hits, TTL 10 s. */
export const HOT_KEYS = {
  name: 'a', keys: 10, ttlSeconds: 10, parallel: 100, warmMs: 500,
  keyOf: (loop, n) => (loop + n) % 10,
}

export function hotKeys({ contestants, url, server, rounds, roundMs, log }) {
  return throughput({ ...HOT_KEYS, contestants, url, server, log, rounds, roundMs })
}
