import { expect } from 'vitest'
import type { BackendUnderTest } from './backend-under-test.js'

/** A Redis PTTL reply matches a TTL just written: -1 for none, else at most the TTL and close to it. */
export function expectPttl(pttl: number, ttlMs: number): void {
  if (ttlMs === 0) {
    expect(pttl).toBe(-1)
    return
  }
  // Time passes between the write and PTTL; allow for a slow, shared machine.
  const slack = Math.min(5000, ttlMs / 2)
  expect(pttl).toBeLessThanOrEqual(ttlMs)
  expect(pttl).toBeGreaterThan(ttlMs - slack)
}

/** `BackendUnderTest.expectTtl` for Redis and Redis Cluster: PTTL through `raw`. */
export function expectTtlWithPttl(raw: { pttl(key: string): Promise<number> }): BackendUnderTest['expectTtl'] {
  return async (_client, key, ttlMs, write) => {
    await write()
    expectPttl(await raw.pttl(key), ttlMs)
  }
}
