// The offline read-after-write check: a violation is a read that started after a write of its
// item had resolved (in any process) and returned an older version than that write's.
//
// Both times are conservative: a write's time is taken after its promise resolved (it resolved
// no later), a read's before its call (it started no earlier), and every process reads the same
// CLOCK_MONOTONIC. So `write.resolvedNs < read.startNs` means the write really resolved first.

export const VIAS = ['get', 'getMany', 'getP'] as const
export const OPS = ['invalidate', 'set', 'refresh'] as const

/** What one process returned from `runWorkload` (workload.mjs). */
export interface ProcessRecords {
  pid: number
  /** Flat: id, startNs, endNs, version (-1 rejected, -2 another item's value), via. */
  reads: Float64Array
  /** Flat: id, startNs, resolvedNs, version, op. */
  writes: Float64Array
  /** Flat: id, atNs. */
  fetches: Float64Array
  failures: { reads: number; writes: number }
  readErrors: string[]
  writeErrors: string[]
}

export interface Violation {
  id: number
  via: (typeof VIAS)[number]
  readerPid: number
  /** The version the read returned, and the newest version of a write resolved before it started. */
  returned: number
  expectedAtLeast: number
  writeOp: (typeof OPS)[number]
  writerPid: number
  /** How long before the read's start that write had resolved. */
  msAfterWrite: number
}

export interface CheckResult {
  reads: number
  /** Reads that rejected (the workload's get threw). */
  failedReads: number
  /** Reads that returned another item's value (a key collision). */
  wrongItem: number
  writes: number
  failedWrites: number
  fetches: number
  violations: number
  /** Up to 10 violations, most recent writes first in each item. */
  examples: Violation[]
  /** Violations per read path and per write op. */
  violationsByVia: Record<string, number>
  violationsByOp: Record<string, number>
  /**
   * Per violation, how long after the first write newer than what it returned the read started:
   * with a local tier, the invalidation delivery window as the readers saw it (sorted, ms).
   */
  staleWindowsMs: number[]
  readErrors: string[]
  writeErrors: string[]
}

interface Write {
  resolvedNs: number
  version: number
  op: number
  pid: number
}

export function checkReadAfterWrite(processes: readonly ProcessRecords[]): CheckResult {
  // Per item: its resolved writes by time, with the running maximum version.
  const writesById = new Map<number, Write[]>()
  let writeCount = 0
  for (const p of processes) {
    for (let i = 0; i < p.writes.length; i += 5) {
      const id = p.writes[i]!
      let list = writesById.get(id)
      if (!list) writesById.set(id, (list = []))
      list.push({ resolvedNs: p.writes[i + 2]!, version: p.writes[i + 3]!, op: p.writes[i + 4]!, pid: p.pid })
      writeCount++
    }
  }
  const prefixMax = new Map<number, { times: Float64Array; max: Float64Array; by: Write[] }>()
  for (const [id, list] of writesById) {
    list.sort((a, b) => a.resolvedNs - b.resolvedNs)
    const times = new Float64Array(list.length)
    const max = new Float64Array(list.length)
    const by: Write[] = []
    let best = -Infinity
    let bestWrite = list[0]!
    list.forEach((w, i) => {
      if (w.version > best) {
        best = w.version
        bestWrite = w
      }
      times[i] = w.resolvedNs
      max[i] = best
      by.push(bestWrite)
    })
    prefixMax.set(id, { times, max, by })
  }

  const result: CheckResult = {
    reads: 0,
    failedReads: 0,
    wrongItem: 0,
    writes: writeCount,
    failedWrites: 0,
    fetches: 0,
    violations: 0,
    examples: [],
    violationsByVia: {},
    violationsByOp: {},
    staleWindowsMs: [],
    readErrors: [],
    writeErrors: [],
  }
  for (const p of processes) {
    result.fetches += p.fetches.length / 2
    result.failedWrites += p.failures.writes
    result.readErrors.push(...p.readErrors.slice(0, 5))
    result.writeErrors.push(...p.writeErrors.slice(0, 5))
    for (let i = 0; i < p.reads.length; i += 5) {
      result.reads++
      const id = p.reads[i]!
      const startNs = p.reads[i + 1]!
      const version = p.reads[i + 3]!
      if (version === -1) {
        result.failedReads++
        continue
      }
      if (version === -2) {
        result.wrongItem++
        continue
      }
      const item = prefixMax.get(id)
      if (!item) continue
      const before = lastBefore(item.times, startNs)
      if (before < 0 || version >= item.max[before]!) continue
      const write = item.by[before]!
      const violation: Violation = {
        id,
        via: VIAS[p.reads[i + 4]!]!,
        readerPid: p.pid,
        returned: version,
        expectedAtLeast: item.max[before]!,
        writeOp: OPS[write.op]!,
        writerPid: write.pid,
        msAfterWrite: (startNs - write.resolvedNs) / 1e6,
      }
      result.violations++
      result.violationsByVia[violation.via] = (result.violationsByVia[violation.via] ?? 0) + 1
      result.violationsByOp[violation.writeOp] = (result.violationsByOp[violation.writeOp] ?? 0) + 1
      if (result.examples.length < 10) result.examples.push(violation)
      const list = writesById.get(id)!
      const firstNewer = list.find((w) => w.version > version && w.resolvedNs < startNs) ?? write
      result.staleWindowsMs.push((startNs - firstNewer.resolvedNs) / 1e6)
    }
  }
  result.staleWindowsMs.sort((a, b) => a - b)
  return result
}

/** Index of the last time strictly below `t` in ascending `times`, or -1. */
function lastBefore(times: Float64Array, t: number): number {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (times[mid]! < t) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

/** A one-paragraph summary for errors and reports. */
export function describeCheck(r: CheckResult): string {
  const lines = [
    `${r.reads} reads (${r.failedReads} failed, ${r.wrongItem} of another item), ${r.writes} writes (${r.failedWrites} unconfirmed), ${r.fetches} fetches, ${r.violations} violations`,
  ]
  if (r.violations > 0) {
    lines.push(`by read path ${JSON.stringify(r.violationsByVia)}, by write ${JSON.stringify(r.violationsByOp)}; e.g.:`)
    for (const v of r.examples.slice(0, 5)) {
      lines.push(
        `  item ${v.id}: ${v.via} in pid ${v.readerPid} returned v${v.returned}, ${v.msAfterWrite.toFixed(1)} ms after pid ${v.writerPid}'s ${v.writeOp} of v${v.expectedAtLeast} resolved`,
      )
    }
  }
  if (r.readErrors.length) lines.push(`read errors, e.g. ${r.readErrors.slice(0, 3).join(' | ')}`)
  if (r.writeErrors.length) lines.push(`write errors, e.g. ${r.writeErrors.slice(0, 3).join(' | ')}`)
  return lines.join('\n')
}
