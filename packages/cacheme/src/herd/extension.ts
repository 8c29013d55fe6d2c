import type { LockCapability } from '../backends/backend.js'

/**
 * Extends a held lock every third of its TTL while the fetch runs; stops by itself once the
 * marker is no longer ours (invalidated or overwritten). Returns the function that stops it.
 */
export function keepLocked(
  lock: LockCapability,
  guarded: <T>(operation: () => Promise<T>) => Promise<T>,
  key: string,
  marker: Buffer,
  ttlMs: number,
): () => void {
  const timer = setInterval(() => {
    guarded(() => lock.extend(key, marker, ttlMs)).then(
      (stillOurs) => { if (!stillOurs) clearInterval(timer) },
      () => {}, // Redis failed: try again next time; the lock may lapse, which only costs a second fetch.
    )
  }, Math.max(1, Math.floor(ttlMs / 3)))
  timer.unref()
  return () => clearInterval(timer)
}
