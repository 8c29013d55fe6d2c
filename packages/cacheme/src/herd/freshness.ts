import { withFreshness, type FreshnessMeta, type ValueFrame } from '../codec/frame.js'

/**
 * Freshness (the contract's "Freshness" section), the pure part: what a stored value's
 * metadata says about it now, and what a write stores. The herd acts on the verdict
 * (herd/revalidate.ts); the local tier can judge a copy it holds with the same function.
 *
 * Clocks: fresh-until and the windows are ms since the epoch on the WRITER's clock, compared
 * with the reader's `Date.now()`. Reading the server's time would cost a command per hit (or
 * a script instead of a GET); with machines kept in sync by NTP (skew of a few ms) the skew
 * only moves the moment a value turns stale by that much. Correctness never depends on it:
 * the physical expiry is Redis's own TTL (ttl + the longer window), and a stale value is only
 * ever served while Redis still holds it, so a skewed clock can serve a stale value early or
 * late by the skew, never past its window on the server, and never after an invalidate or set.
 */

/** A store's freshness options, in ms (0: off). */
export interface FreshnessPolicy {
  /** staleWhileRevalidate */
  swrMs: number
  /** staleIfError */
  sieMs: number
  /** fetchTimeout.soft (0: none) */
  softMs: number
  /** fetchTimeout.hard (0: none) */
  hardMs: number
  /** earlyRefresh's β (0: off) */
  beta: number
}

export const NO_FRESHNESS: FreshnessPolicy = { swrMs: 0, sieMs: 0, softMs: 0, hardMs: 0, beta: 0 }

/**
 * - `fresh`: serve it (HIT);
 * - `early`: serve it (HIT) and refresh it in the background (XFetch chose this read);
 * - `stale`: past fresh-until, inside staleWhileRevalidate: serve it (STALE), refresh in the background;
 * - `expired`: past the staleWhileRevalidate window: fetch (callers wait); the value stands in for a
 *   failed or timed-out fetch while `usableOnError` says so.
 */
export type Verdict = 'fresh' | 'early' | 'stale' | 'expired'

/**
 * The verdict on a value frame at `now` (ms since the epoch). A frame without metadata is
 * fresh (until Redis expires it). `random` is XFetch's uniform (0, 1] draw.
 *
 * XFetch (Vattani, Chierichetti, Lowenstein 2015): refresh when now − δ·β·ln(random) ≥ expiry:
 * the closer the expiry and the slower the fetch, the likelier one read refreshes early, so a
 * hot key is refreshed about δ·β before it expires and a cold one almost never.
 */
export function judge(frame: ValueFrame, now: number, random: () => number = Math.random): Verdict {
  const meta = frame.fresh
  if (meta === undefined || meta.freshUntil < 0) return 'fresh'
  if (now < meta.freshUntil) {
    if (meta.beta > 0 && meta.deltaMs > 0 && now - meta.deltaMs * meta.beta * Math.log(1 - random()) >= meta.freshUntil) return 'early'
    return 'fresh'
  }
  return now < meta.staleUntil ? 'stale' : 'expired'
}

/** Whether a value past its freshness may still stand in for a failed or timed-out fetch. */
export function usableOnError(frame: ValueFrame, now: number): boolean {
  const meta = frame.fresh
  return meta !== undefined && now < Math.max(meta.errorUntil, meta.staleUntil)
}

/** Whether a store writes metadata at all: only when something reads it. */
export function hasFreshness(policy: FreshnessPolicy): boolean {
  return policy.swrMs > 0 || policy.sieMs > 0 || policy.beta > 0
}

/** How long Redis keeps a value of logical TTL `ttlMs`: through its longer window (0: forever). */
export function physicalTtl(ttlMs: number, policy: FreshnessPolicy): number {
  return ttlMs > 0 ? ttlMs + Math.max(policy.swrMs, policy.sieMs) : 0
}

/**
 * What a write stores: the frame (with metadata when the store has freshness options) and the
 * Redis TTL. `framed` comes from the store's format; `deltaMs` is how long the fetch took.
 */
export function stamp(
  framed: Buffer,
  ttlMs: number,
  deltaMs: number,
  policy: FreshnessPolicy,
  now = Date.now(),
): { bytes: Buffer; ttlMs: number } {
  if (!hasFreshness(policy)) return { bytes: framed, ttlMs }
  const freshUntil = ttlMs > 0 ? now + ttlMs : -1
  const meta: FreshnessMeta = {
    freshUntil,
    staleUntil: ttlMs > 0 ? freshUntil + policy.swrMs : -1,
    errorUntil: ttlMs > 0 ? freshUntil + policy.sieMs : -1,
    deltaMs,
    beta: policy.beta,
  }
  return { bytes: withFreshness(framed, meta), ttlMs: physicalTtl(ttlMs, policy) }
}
