// The contract's read-after-write rule across processes, checked offline over a short run of
// real processes (standalone and cluster) and of concurrent workloads in one process (memory):
// no get / getMany / getP that started after an invalidate / set / refresh of its item resolved,
// in any process, returns a version older than that write's. See test/harness/raw-checker/.
import { describe, expect, inject, it } from 'vitest'
import { describeCheck } from '../harness/raw-checker/check.js'
import { runReadAfterWrite, type CacheTarget } from '../harness/raw-checker/fleet.js'

const RUN = { durationMs: 3000, items: 12, readers: 4, writeEveryMs: 5 }

async function expectNoStaleReads(cache: CacheTarget): Promise<void> {
  const result = await runReadAfterWrite({ cache, processes: 4 }, RUN)
  // The run must have exercised the rule: reads after writes, on every path.
  expect(result.writes, describeCheck(result)).toBeGreaterThan(100)
  expect(result.reads, describeCheck(result)).toBeGreaterThan(1000)
  expect(result.violations, describeCheck(result)).toBe(0)
  expect(result.wrongItem, describeCheck(result)).toBe(0)
}

describe('read after write across processes', () => {
  it('standalone: 4 processes', async () => {
    await expectNoStaleReads({ redis: inject('redis').standalone.url })
  })

  it('cluster: 4 processes', async () => {
    await expectNoStaleReads({ cluster: inject('redis').cluster.seeds })
  })

  it('memory: 4 concurrent workloads in one process', async () => {
    await expectNoStaleReads('memory')
  })
})
