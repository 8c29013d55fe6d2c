import { throughput } from './throughput.mjs'

/**
 * A lone caller: one get at a time (nothing to batch with), so any wait for a batching timer
 * would show as added latency against raw ioredis. Latency of every call.
 */
export function loneGet({ contestants, url, server, rounds, roundMs, log }) {
  return throughput({
    contestants,
    url,
    server,
    log,
    rounds,
    roundMs,
    name: 'lone',
    keys: 100,
    ttlSeconds: 3600,
    parallel: 1,
    warmMs: 300,
    sampleEvery: 1,
    keyOf: (_loop, n) => n % 100,
  })
}
