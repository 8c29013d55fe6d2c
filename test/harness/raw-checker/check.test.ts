// The offline check itself, on hand-made records: it must find exactly the reads that started
// after a resolved write and returned an older version (a checker that finds nothing proves nothing).
import { describe, expect, it } from 'vitest'
import { checkReadAfterWrite, type ProcessRecords } from './check.js'

const ms = (n: number) => n * 1e6
/** reads: [id, startMs, version, via]; writes: [id, resolvedMs, version, op]; fetches: [id, atMs]. */
function records(pid: number, reads: number[][], writes: number[][] = [], fetches: number[][] = []): ProcessRecords {
  return {
    pid,
    reads: Float64Array.from(reads.flatMap(([id, start, version, via]) => [id!, ms(start!), ms(start!) + 1, version!, via ?? 0])),
    writes: Float64Array.from(writes.flatMap(([id, resolved, version, op]) => [id!, ms(resolved!) - 1, ms(resolved!), version!, op ?? 0])),
    fetches: Float64Array.from(fetches.flatMap(([id, at]) => [id!, ms(at!)])),
    failures: { reads: 0, writes: 0 },
    readErrors: [],
    writeErrors: [],
  }
}

describe('checkReadAfterWrite', () => {
  it('flags a read that started after a resolved write and returned an older version', () => {
    const writer = records(
      1,
      [],
      [
        [7, 10, 3, 0],
        [7, 20, 4, 1],
      ],
    )
    const reader = records(
      2,
      [
        [7, 5, 2], // before any write: anything goes
        [7, 10, 2], // starts exactly when v3 resolved: not after it
        [7, 11, 3], // after v3: fine
        [7, 12, 2, 1], // after v3, returned v2: a violation (getMany)
        [7, 25, 3, 2], // after v4, returned v3: a violation (getP)
        [7, 26, 4], // fine
        [8, 30, 0], // another item, never written
      ],
      [],
      [[7, 12]],
    )
    const result = checkReadAfterWrite([writer, reader])
    expect(result.reads).toBe(7)
    expect(result.writes).toBe(2)
    expect(result.fetches).toBe(1)
    expect(result.violations).toBe(2)
    expect(result.violationsByVia).toEqual({ getMany: 1, getP: 1 })
    expect(result.violationsByOp).toEqual({ invalidate: 1, set: 1 })
    expect(result.examples[0]).toMatchObject({
      id: 7,
      via: 'getMany',
      readerPid: 2,
      returned: 2,
      expectedAtLeast: 3,
      writeOp: 'invalidate',
      writerPid: 1,
    })
    expect(result.examples[0]!.msAfterWrite).toBeCloseTo(2)
  })

  it('takes the newest version of every write resolved before the read, whatever their order', () => {
    // Two writers of one item (the workload never does this, the check still must be right).
    const a = records(1, [], [[1, 10, 5]])
    const b = records(2, [], [[1, 12, 4]])
    const reader = records(3, [
      [1, 13, 4],
      [1, 13, 5],
    ])
    const result = checkReadAfterWrite([a, b, reader])
    expect(result.violations).toBe(1)
    expect(result.examples[0]).toMatchObject({ returned: 4, expectedAtLeast: 5, writerPid: 1 })
  })

  it('counts rejected reads and reads of another item apart, never as violations', () => {
    const result = checkReadAfterWrite([
      records(
        1,
        [
          [1, 20, -1],
          [1, 21, -2],
        ],
        [[1, 10, 9]],
      ),
    ])
    expect(result).toMatchObject({ failedReads: 1, wrongItem: 1, violations: 0 })
  })
})
