/** The counters the page charts, per store, as read from the app's `/metrics`. */
export interface StoreCounts {
  hits: number
  misses: number
  fetches: number
}

export const CHARTED_OPS: { op: string; field: keyof StoreCounts }[] = [
  { op: 'hit', field: 'hits' },
  { op: 'miss', field: 'misses' },
  { op: 'fetch', field: 'fetches' },
]

const SAMPLE = /^cacheme_operations_total\{(.*)\}\s+(\S+)$/
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
}

/** The `cacheme_operations_total` samples of a Prometheus text exposition, by store. */
export function parseOperations(text: string): Map<string, StoreCounts> {
  const stores = new Map<string, StoreCounts>()
  for (const line of text.split('\n')) {
    const sample = SAMPLE.exec(line)
    if (!sample) continue
    const labels = new Map([...sample[1]!.matchAll(LABEL)].map((m) => [m[1]!, unescape(m[2]!)]))
    const store = labels.get('store')
    const field = CHARTED_OPS.find((o) => o.op === labels.get('op'))?.field
    if (store === undefined || !field) continue
    let counts = stores.get(store)
    if (!counts) stores.set(store, (counts = { hits: 0, misses: 0, fetches: 0 }))
    counts[field] = Number(sample[2])
  }
  return stores
}
