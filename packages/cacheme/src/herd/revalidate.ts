import type { ValueFrame } from '../codec/frame.js'
import { judge, usableOnError, type Verdict } from './freshness.js'
import { afterLookup, fill, revalidate, type HerdContext, type Load } from './herd.js'

/**
 * Freshness on the read path: what a lookup found, judged by its metadata (freshness.ts), before
 * the herd (herd.ts) deals with misses and markers.
 *
 *   fresh                       → HIT
 *   early (XFetch drew it)      → HIT, and one background refresh across the fleet
 *   stale (inside SWR)          → STALE at once, and one background refresh across the fleet
 *   expired (past SWR)          → MISS: fill under the lock, keeping the old value readable in the
 *                                 marker; inside staleIfError the old value stands in for a failed
 *                                 or hard-timed-out fetch, and is returned after fetchTimeout.soft
 *   a marker keeping an expired value (another process fills) → wait, with the same stand-in
 *
 * The background refresh takes the lock only while the key holds exactly the stale bytes this
 * lookup saw (ACQUIRE 'revalidate'), so one process of the fleet refreshes; the marker keeps the
 * old value and its expiry, which the others keep serving meanwhile (herd.ts onMarker), and a
 * failed refresh gives it back (RELEASE). Read-after-write is the herd's: an invalidate deletes
 * the value and its marker, a set overwrites them; nothing here serves a value from anywhere
 * but this caller's own lookup.
 */

/** Keys whose background refresh this client runs now: one acquire per key per process, not one per caller. */
const refreshing = new WeakMap<HerdContext, Set<string>>()

/** A marker's kept value is judged without an early-refresh draw: a refresh is running. */
const noDraw = () => 0

/**
 * What a lookup of `load.key` found: its bytes, null (missing) or the node's Error. `verdict`:
 * the caller judged this value frame already (the store's hot path), not to draw XFetch twice.
 */
export function settle<T>(load: Load<T>, found: Buffer | null | Error, verdict?: Verdict): Promise<T> {
  if (!(found instanceof Buffer)) return afterLookup(load, found)
  const frame = load.format.read(found)
  if (frame.kind === 'value' && frame.fresh !== undefined) return settleAged(load, frame, found, verdict ?? judge(frame, Date.now()))
  if (frame.kind === 'marker' && frame.previous !== null) {
    const now = Date.now()
    if (frame.previousExpiresAt < 0 || frame.previousExpiresAt > now) {
      const previous = load.format.read(frame.previous)
      if (previous.kind === 'value' && judge(previous, now, noDraw) === 'expired' && usableOnError(previous, now)) {
        const value = decoded(load, previous)
        if (value) return standIn(load, afterLookup(load, found), value.value, previous)
      }
    }
  }
  return afterLookup(load, found)
}

function settleAged<T>(load: Load<T>, frame: ValueFrame, found: Buffer, verdict: Verdict): Promise<T> {
  const { core, store, key } = load
  const value = decoded(load, frame)
  if (!value) return afterLookup(load, found) // undecodable: the herd logs and replaces it
  if (verdict === 'fresh') {
    core.log(store, key, 'HIT')
    return Promise.resolve(value.value)
  }
  if (verdict === 'early' || verdict === 'stale') {
    core.log(store, key, verdict === 'stale' ? 'STALE' : 'HIT')
    inBackground(load, found, value.value)
    return Promise.resolve(value.value)
  }
  core.log(store, key, 'MISS')
  const filling = fill({ ...load, stale: value }, { mode: 'revalidate', bytes: found })
  return usableOnError(frame, Date.now()) ? standIn(load, filling, value.value, frame) : filling
}

/** One background refresh of `key` in this process (and, by the lock, in the fleet); callers never wait for it. */
function inBackground<T>(load: Load<T>, found: Buffer, value: T): void {
  const { core, store, key } = load
  let keys = refreshing.get(core)
  if (!keys) refreshing.set(core, (keys = new Set()))
  if (keys.has(key)) return
  keys.add(key)
  const done = () => {
    keys.delete(key)
  }
  revalidate({ ...load, stale: { value } }, found).then(done, (error: unknown) => {
    done()
    // The old value stays (the refresh gave it back); the next stale read tries again.
    core.log(store, key, 'ERROR', { error: core.secrets.safeCause(error) })
  })
}

/**
 * The fill's outcome, or the old value in its place: after fetchTimeout.soft (the fill goes on
 * and stores its result), or when the fill fails inside the staleIfError window (op STALE, the
 * error in the logger's detail). Past the window, the error.
 */
function standIn<T>(load: Load<T>, filling: Promise<T>, value: T, frame: ValueFrame): Promise<T> {
  const { core, store, key } = load
  const { softMs } = load.fresh
  return new Promise<T>((resolve, reject) => {
    let settled = false
    const timer =
      softMs > 0
        ? setTimeout(() => {
            settled = true
            core.log(store, key, 'STALE')
            resolve(value)
          }, softMs)
        : undefined
    filling.then(
      (fresh) => {
        clearTimeout(timer)
        if (!settled) resolve(fresh)
        settled = true
      },
      (error: unknown) => {
        clearTimeout(timer)
        if (settled) return
        settled = true
        if (!usableOnError(frame, Date.now())) return reject(error)
        // The error the callers would have had (their fetcher's, or a FetchTimeoutError), as it is.
        core.log(store, key, 'STALE', { error: error instanceof Error ? error : new Error(String(error)) })
        resolve(value)
      },
    )
  })
}

function decoded<T>(load: Load<T>, frame: ValueFrame): { value: T } | undefined {
  try {
    return { value: load.format.decode(frame) }
  } catch {
    return undefined
  }
}
