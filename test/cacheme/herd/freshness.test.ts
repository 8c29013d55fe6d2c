import { describe, expect, test } from 'vitest'
import { frameValue, readFrame, type ValueFrame } from '../../../packages/cacheme/src/codec/frame.js'
import {
  judge,
  physicalTtl,
  stamp,
  usableOnError,
  NO_FRESHNESS,
  type FreshnessPolicy,
} from '../../../packages/cacheme/src/herd/freshness.js'

const NOW = 1_900_000_000_000
const policy = (p: Partial<FreshnessPolicy>): FreshnessPolicy => ({ ...NO_FRESHNESS, ...p })

function stamped(ttlMs: number, p: Partial<FreshnessPolicy>, deltaMs = 0): { frame: ValueFrame; ttlMs: number } {
  const { bytes, ttlMs: physical } = stamp(frameValue('v'), ttlMs, deltaMs, policy(p), NOW)
  const frame = readFrame(bytes)
  if (frame.kind !== 'value') throw new Error('not a value frame')
  return { frame, ttlMs: physical }
}

describe('stamp', () => {
  test('without freshness options: the frame as it is, the store TTL (nothing to read back)', () => {
    const framed = frameValue('v')
    expect(stamp(framed, 5000, 12, NO_FRESHNESS, NOW)).toEqual({ bytes: framed, ttlMs: 5000 })
    expect(stamp(framed, 5000, 12, policy({ softMs: 10, hardMs: 100 }), NOW).bytes).toBe(framed)
  })

  test('Redis keeps the value through the longer window; the frame says where each ends', () => {
    const { frame, ttlMs } = stamped(1000, { swrMs: 500, sieMs: 3000, beta: 2 }, 17.4)
    expect(ttlMs).toBe(4000)
    expect(frame.fresh).toEqual({ freshUntil: NOW + 1000, staleUntil: NOW + 1500, errorUntil: NOW + 4000, deltaMs: 17, beta: 2 })
    expect(physicalTtl(1000, policy({ swrMs: 9000, sieMs: 10 }))).toBe(10_000)
  })

  test('a TTL of 0 (no expiry) stays forever and is never stale', () => {
    const { frame, ttlMs } = stamped(0, { swrMs: 500 })
    expect(ttlMs).toBe(0)
    expect(judge(frame, NOW + 1e12)).toBe('fresh')
  })
})

describe('judge', () => {
  test('a frame without metadata is fresh', () => {
    const frame = readFrame(frameValue('v'))
    expect(frame.kind === 'value' && judge(frame, NOW)).toBe('fresh')
  })

  test('fresh before fresh-until, stale inside staleWhileRevalidate, expired after it', () => {
    const { frame } = stamped(1000, { swrMs: 500, sieMs: 2000 })
    expect(judge(frame, NOW + 999)).toBe('fresh')
    expect(judge(frame, NOW + 1000)).toBe('stale')
    expect(judge(frame, NOW + 1499)).toBe('stale')
    expect(judge(frame, NOW + 1500)).toBe('expired')
    expect(usableOnError(frame, NOW + 2999)).toBe(true)
    expect(usableOnError(frame, NOW + 3000)).toBe(false)
  })

  test('without staleIfError an expired value stands in for nothing', () => {
    const { frame } = stamped(1000, { swrMs: 500 })
    expect(judge(frame, NOW + 1600)).toBe('expired')
    expect(usableOnError(frame, NOW + 1600)).toBe(false)
  })

  test('XFetch: early exactly when now − δ·β·ln(1 − r) ≥ fresh-until', () => {
    const { frame } = stamped(1000, { beta: 1 }, 100)
    // r = 1 − e^−1: −ln(1 − r) = 1, so a read δ·β = 100 ms before fresh-until is early.
    const r = 1 - Math.exp(-1)
    expect(judge(frame, NOW + 900, () => r)).toBe('early')
    expect(judge(frame, NOW + 899, () => r)).toBe('fresh')
    // r = 0 never refreshes early; β scales the lead.
    expect(judge(frame, NOW + 999, () => 0)).toBe('fresh')
    const eager = stamped(1000, { beta: 3 }, 100).frame
    expect(judge(eager, NOW + 700, () => r)).toBe('early')
    expect(judge(eager, NOW + 699, () => r)).toBe('fresh')
  })

  test('XFetch: the share of early reads grows towards expiry and with δ; none without earlyRefresh or δ', () => {
    let seed = 4711
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const share = (frame: ValueFrame, at: number) => {
      let early = 0
      for (let i = 0; i < 10_000; i++) if (judge(frame, at, random) === 'early') early++
      return early / 10_000
    }
    const { frame } = stamped(1000, { beta: 1 }, 100)
    // P(early) = e^−(fresh-until − now)/(δβ)
    expect(share(frame, NOW + 500)).toBeCloseTo(Math.exp(-5), 2)
    expect(share(frame, NOW + 900)).toBeCloseTo(Math.exp(-1), 1)
    expect(share(stamped(1000, { beta: 1 }, 400).frame, NOW + 500)).toBeGreaterThan(share(frame, NOW + 500))
    expect(share(stamped(1000, { swrMs: 100 }, 100).frame, NOW + 999)).toBe(0)
    expect(share(stamped(1000, { beta: 1 }, 0).frame, NOW + 999)).toBe(0)
  })
})
