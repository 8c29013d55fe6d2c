import type { CacheEvent } from './cache-client.js'

/**
 * `x-cache` for a response: HIT when every lookup hit, MISS when one missed, ERROR when the
 * cache failed; undefined when the request made no lookup.
 */
export function cacheVerdict(events: CacheEvent[]): 'HIT' | 'MISS' | 'ERROR' | undefined {
  if (events.some((e) => e.op === 'ERROR')) return 'ERROR'
  if (events.some((e) => e.op === 'MISS')) return 'MISS'
  return events.some((e) => e.op === 'HIT') ? 'HIT' : undefined
}

/** The cache ops of a request, grouped by key: `book:1:v1 MISS FETCH, book:2:v1 HIT`; counted when many. */
export function describeEvents(events: CacheEvent[]): string {
  const byKey = new Map<string, string[]>()
  for (const { key, op } of events) byKey.set(key, [...(byKey.get(key) ?? []), op])
  if (byKey.size <= 3) return [...byKey].map(([key, ops]) => `${key} ${ops.join(' ')}`).join(', ')
  const counts = new Map<string, number>()
  for (const { op } of events) counts.set(op, (counts.get(op) ?? 0) + 1)
  return `${byKey.size} keys: ${[...counts].map(([op, n]) => `${n} ${op}`).join(', ')}`
}
