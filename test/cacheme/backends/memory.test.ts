import { expect, vi } from 'vitest'
import type { BackendUnderTest } from '../conformance/backend-under-test.js'
import { runConformance } from '../conformance/index.js'
import { rawGet } from '../internals.js'

const TEN_YEARS_MS = 10 * 365 * 86_400_000

const memory: BackendUnderTest = {
  kind: 'memory',
  options: () => ({}),
  connectionForms: () => [
    { label: 'no options at all', make: () => ({ options: undefined, owned: true }) },
    { label: 'an empty options object', make: () => ({ options: {}, owned: true }) },
  ],
  // The memory backend reads Date.now(): a fake clock moved to the expiry shows the TTL math
  // exactly, without waiting.
  async expectTtl(client, key, ttlMs, write) {
    const start = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: start })
    try {
      await write()
      const present = async () => (await rawGet(client, [key]))[0] !== null
      if (ttlMs === 0) {
        vi.setSystemTime(start + TEN_YEARS_MS)
        expect(await present()).toBe(true)
        return
      }
      vi.setSystemTime(start + ttlMs - 1)
      expect(await present()).toBe(true)
      vi.setSystemTime(start + ttlMs)
      expect(await present()).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  },
}

runConformance(memory)
