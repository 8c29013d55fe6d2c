// The example app's Prometheus exposition (playground/app/src/metrics.ts), on made-up stats.
import { expect, test } from 'vitest'
import { escapeLabelValue, prometheusText } from '../../playground/app/src/metrics.js'

const zero = { hits: 0, localHits: 0, misses: 0, fetches: 0, waits: 0, stale: 0, errors: 0 }

test('one sample per store and op, the stores in order, and the ops of no store apart', () => {
  const text = prometheusText({
    total: { ...zero, hits: 12, misses: 3, fetches: 3, errors: 2 },
    stores: { 'comment:<<id>>': { ...zero, hits: 2 }, 'book:<<id>>': { ...zero, hits: 10, misses: 3, fetches: 3, errors: 1 } },
  })
  expect(text).toBe(`# HELP cacheme_operations_total Cache operations of a cacheme store, by logger op.
# TYPE cacheme_operations_total counter
cacheme_operations_total{store="book:<<id>>",op="hit"} 10
cacheme_operations_total{store="book:<<id>>",op="local_hit"} 0
cacheme_operations_total{store="book:<<id>>",op="miss"} 3
cacheme_operations_total{store="book:<<id>>",op="fetch"} 3
cacheme_operations_total{store="book:<<id>>",op="wait"} 0
cacheme_operations_total{store="book:<<id>>",op="stale"} 0
cacheme_operations_total{store="book:<<id>>",op="error"} 1
cacheme_operations_total{store="comment:<<id>>",op="hit"} 2
cacheme_operations_total{store="comment:<<id>>",op="local_hit"} 0
cacheme_operations_total{store="comment:<<id>>",op="miss"} 0
cacheme_operations_total{store="comment:<<id>>",op="fetch"} 0
cacheme_operations_total{store="comment:<<id>>",op="wait"} 0
cacheme_operations_total{store="comment:<<id>>",op="stale"} 0
cacheme_operations_total{store="comment:<<id>>",op="error"} 0
# HELP cacheme_unattributed_operations_total Cache operations of no store (the client's own subscriber), by logger op.
# TYPE cacheme_unattributed_operations_total counter
cacheme_unattributed_operations_total{op="hit"} 0
cacheme_unattributed_operations_total{op="local_hit"} 0
cacheme_unattributed_operations_total{op="miss"} 0
cacheme_unattributed_operations_total{op="fetch"} 0
cacheme_unattributed_operations_total{op="wait"} 0
cacheme_unattributed_operations_total{op="stale"} 0
cacheme_unattributed_operations_total{op="error"} 1
`)
})

test('label values escape backslash, double quote and line feed, as the format requires', () => {
  expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd')
  const text = prometheusText({ total: { ...zero, hits: 1 }, stores: { 'say "hi"\\\n': { ...zero, hits: 1 } } })
  expect(text).toContain('cacheme_operations_total{store="say \\"hi\\"\\\\\\n",op="hit"} 1\n')
  expect(text.split('\n').filter((line) => line.startsWith('cacheme_operations_total'))).toHaveLength(7)
})
