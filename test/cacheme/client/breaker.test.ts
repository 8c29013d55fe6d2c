import { afterEach, expect, test, vi } from 'vitest'
import { CircuitBreaker } from '../../../packages/cacheme/src/client/breaker.js'

afterEach(() => {
  vi.useRealTimers()
})

test('after a failure the breaker skips Redis for the cool-down, then lets exactly one probe through', () => {
  vi.useFakeTimers({ now: 1_000_000 })
  const breaker = new CircuitBreaker(1000)
  expect(breaker.allow()).toBe(true)
  breaker.failed()
  expect(breaker.allow()).toBe(false)
  vi.setSystemTime(1_000_999)
  expect(breaker.allow()).toBe(false)
  vi.setSystemTime(1_001_000)
  expect(breaker.allow()).toBe(true) // the probe
  expect(breaker.allow()).toBe(false) // others skip while it runs
  breaker.failed()
  vi.setSystemTime(1_001_500)
  expect(breaker.allow()).toBe(false)
  vi.setSystemTime(1_002_000)
  expect(breaker.allow()).toBe(true)
  breaker.succeeded()
  expect(breaker.allow()).toBe(true)
  expect(breaker.allow()).toBe(true)
})
