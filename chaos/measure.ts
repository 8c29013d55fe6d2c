// Figures of one scenario from the fleet's records (see test/harness/raw-checker/workload.mjs):
// reads (id, startNs, endNs, version, via), writes, fetches (id, atNs).
import { checkReadAfterWrite, type CheckResult, type ProcessRecords } from '../test/harness/raw-checker/check.js'

export interface HitSeries {
  /** Bucket width in seconds. */
  bucketS: number
  /** Master labels, e.g. 'M1 (:7001)'; a single 'all' on standalone. */
  groups: string[]
  /** Per bucket: start (s from the load's start) and, per group, the hit ratio (null: no reads). */
  rows: { atS: number; ratios: (number | null)[] }[]
}

export interface Figures {
  /** Key reads attempted (a getMany of n keys counts n). */
  gets: number
  /** Reads that rejected. */
  failed: number
  /** Read-after-write violations (reads older than a resolved write); 0 when nothing was written. */
  staleReads: number
  /** Fetches during the load, of items that were all cached before it (load scenarios write with set only). */
  fetches: number
  /** Fetches as a share of reads. */
  fetchRatio: number
  latencyMs: { p50: number; p99: number; max: number }
  writes: number
  failedWrites: number
  check: CheckResult
  hits?: HitSeries
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/**
 * `groupOf(id)` gives an item's group (its master at the start) for the hit ratio over time;
 * the ratio of a bucket is 1 - fetches / reads of that group's items in it.
 */
export function measure(
  records: ProcessRecords[],
  options: { startNs: number; groupOf?: (id: number) => number; groups?: string[]; bucketS?: number },
): Figures {
  const check = checkReadAfterWrite(records)
  let gets = 0
  let failed = 0
  let fetches = 0
  const durations: number[] = []
  const bucketNs = (options.bucketS ?? 1) * 1e9
  const groups = options.groups ?? ['all']
  const groupOf = options.groupOf ?? (() => 0)
  const reads: number[][] = []
  const fetched: number[][] = []
  const bump = (table: number[][], at: number, group: number) => {
    const bucket = Math.max(0, Math.floor((at - options.startNs) / bucketNs))
    while (table.length <= bucket) table.push(new Array(groups.length).fill(0))
    table[bucket]![group]!++
  }
  for (const p of records) {
    for (let i = 0; i < p.reads.length; i += 5) {
      gets++
      if (p.reads[i + 3] === -1) failed++
      // One duration per call: a batch's records share start and end, so take its first.
      if (i === 0 || p.reads[i + 1] !== p.reads[i - 4]) durations.push((p.reads[i + 2]! - p.reads[i + 1]!) / 1e6)
      bump(reads, p.reads[i + 1]!, groupOf(p.reads[i]!))
    }
    for (let i = 0; i < p.fetches.length; i += 2) {
      fetches++
      bump(fetched, p.fetches[i + 1]!, groupOf(p.fetches[i]!))
    }
  }
  const sorted = Float64Array.from(durations).sort()
  const rows = reads.map((counts, b) => ({
    atS: (b * bucketNs) / 1e9,
    ratios: counts.map((n, g) => (n === 0 ? null : Math.max(0, 1 - (fetched[b]?.[g] ?? 0) / n))),
  }))
  return {
    gets,
    failed,
    staleReads: check.violations,
    fetches,
    fetchRatio: gets === 0 ? 0 : fetches / gets,
    latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1]! : 0 },
    writes: check.writes,
    failedWrites: check.failedWrites,
    check,
    hits: { bucketS: options.bucketS ?? 1, groups, rows },
  }
}
