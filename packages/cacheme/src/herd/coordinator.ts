import type { AcquireResult, LockCapability } from '../backends/backend.js'
import { fetchWithoutCache, type FillRequest } from '../store/fill.js'
import { compensate, holdAndFill } from './holder.js'
import { isMarker, markerOf, newToken, tokenOf } from './marker.js'
import type { Subscription } from './subscription.js'

export interface LockSettings {
  ttlMs: number
  waitMs: number
}

/** A marker's remaining TTL can be a few ms stale: wake just after it lapses. */
const EXPIRY_SLACK_MS = 5
/** Never re-check more often than this, whatever `lock.wait` says. */
const MIN_WAIT_MS = 10

/**
 * A miss under the cross-process lock. Takes the lock and fills, or waits for the process that
 * holds it: subscribed to the key's channel, it re-checks the key after the subscription is
 * acknowledged (no lost notice), takes the value or error from the holder's notice, and after
 * `lock.wait` or the marker's expiry re-checks and tries the lock again. Redis failing on the
 * way falls back to calling the fetcher (logged ERROR).
 *
 * `found` is what the lookup saw: null, another holder's marker, or an undecodable value to replace.
 */
export async function fillUnderLock<T>(
  request: FillRequest<T>,
  lock: LockCapability,
  settings: LockSettings,
  found: Buffer | null,
): Promise<T> {
  const { client, store, key, codec } = request
  const token = newToken()
  const marker = markerOf(token)
  let replace = found !== null && !isMarker(found) ? found : null
  let state: AcquireResult | undefined =
    found !== null && isMarker(found) ? { acquired: false, current: found, pttlMs: settings.ttlMs } : undefined
  let subscription: Subscription | undefined
  let waited = false
  try {
    for (;;) {
      if (!state) {
        try {
          state = await client.guarded(() => lock.acquire(key, marker, settings.ttlMs, replace))
        } catch {
          compensate(lock, key, marker)
          return fetchWithoutCache(request)
        }
      }
      if (state.acquired) {
        subscription?.leave()
        subscription = undefined
        return await holdAndFill(request, lock, settings.ttlMs, token, marker)
      }
      const { current, pttlMs } = state
      state = undefined
      if (!isMarker(current)) {
        try {
          const value = codec.decode(current)
          if (!waited) client.log(store, key, 'HIT')
          return value
        } catch {
          client.log(store, key, 'ERROR')
          replace = current
          continue
        }
      }
      if (!subscription) {
        const hub = client.herdHub()
        if (!hub) return await fetchWithoutCache(request) // the client was closed meanwhile
        subscription = hub.join(key)
        await subscription.ready
        continue // re-check now that no notice can be missed
      }
      // Logged once the subscription is live: from here on, the holder's notice reaches us.
      if (!waited) {
        waited = true
        client.log(store, key, 'WAIT')
      }
      const bound = pttlMs >= 0 ? Math.min(settings.waitMs, pttlMs + EXPIRY_SLACK_MS) : settings.waitMs
      const notice = await subscription.next(tokenOf(current), Math.max(MIN_WAIT_MS, bound))
      if (notice?.kind === 'error') throw new Error(notice.message)
      if (notice?.kind === 'value') {
        try {
          return codec.decode(notice.bytes)
        } catch {
          client.log(store, key, 'ERROR')
        }
      }
      // Filled (too large to publish), undecodable, or the wait ended: re-check the key.
    }
  } finally {
    subscription?.leave()
  }
}
