// GET /metrics: client.stats() in the Prometheus text exposition format (version 0.0.4).
import type { Client } from 'cacheme'

type Stats = ReturnType<Client['stats']>
type Counters = Stats['total']

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** Each counter of `client.stats()` and the `op` label it is exported under. */
const OPS: [keyof Counters, string][] = [
  ['hits', 'hit'],
  ['localHits', 'local_hit'],
  ['misses', 'miss'],
  ['fetches', 'fetch'],
  ['waits', 'wait'],
  ['stale', 'stale'],
  ['errors', 'error'],
]

/** A label value as the format wants it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

/**
 * `cacheme_operations_total{store="book:<<id>>",op="hit"} 12`, one sample per store and op.
 * Ops of no store (a failure of the client's pub/sub subscriber) count in
 * `cacheme_unattributed_operations_total`, so summing the first over stores still adds up.
 */
export function prometheusText(stats: Stats): string {
  const lines = [
    '# HELP cacheme_operations_total Cache operations of a cacheme store, by logger op.',
    '# TYPE cacheme_operations_total counter',
  ]
  const unattributed = { ...stats.total }
  for (const [store, counters] of Object.entries(stats.stores).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const [field, op] of OPS) {
      lines.push(`cacheme_operations_total{store="${escapeLabelValue(store)}",op="${op}"} ${counters[field]}`)
      unattributed[field] -= counters[field]
    }
  }
  lines.push(
    "# HELP cacheme_unattributed_operations_total Cache operations of no store (the client's own subscriber), by logger op.",
    '# TYPE cacheme_unattributed_operations_total counter',
    ...OPS.map(([field, op]) => `cacheme_unattributed_operations_total{op="${op}"} ${unattributed[field]}`),
  )
  return lines.join('\n') + '\n'
}
