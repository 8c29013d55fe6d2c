import { throughput } from './throughput.mjs'

/** (a) the cacheme-go benchmark: 10 keys looped by 100 parallel callers, all hits, TTL 10 s. */
export const HOT_KEYS = {
  name: 'a',
  keys: 10,
  ttlSeconds: 10,
  parallel: 100,
  warmMs: 500,
  keyOf: (loop, n) => (loop + n) % 10,
}

export function hotKeys({ contestants, url, server, rounds, roundMs, log }) {
  return throughput({ ...HOT_KEYS, contestants, url, server, log, rounds, roundMs })
}

/**
 * Issue 9's dedupe cost where it can show: the same 10 hot keys, but loop w waits w % 4
 * event-loop turns (setImmediate) before each get, so callers reach get() in different turns and
 * some arrive while a lookup of their key is already on the wire (which a get no longer joins).
 */
export const HOT_KEYS_STAGGERED = { ...HOT_KEYS, name: 'a-staggered', depth: (loop) => loop % 4 }

export function hotKeysStaggered({ contestants, url, server, rounds, roundMs, log }) {
  return throughput({ ...HOT_KEYS_STAGGERED, contestants, url, server, log, rounds, roundMs })
}
