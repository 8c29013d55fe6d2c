import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cacheme } from '../contestants.mjs'
import { profileDuring } from './cpu-profile.mjs'
import { timeShares, topSelfTime } from './profile-summary.mjs'
import { drive } from './drive.mjs'
import { bookValue } from './value.mjs'

/**
 * CPU profile of cacheme alone on a throughput pattern (as `node --cpu-prof` records it, but
 * only while measuring): the top self-time functions, for a goal the run missed.
 */
export async function profileThroughput({ url, name, keys, keyOf, durationMs = 2000 }) {
  const c = await cacheme.open({ url, prefix: `bench:profile:${name}`, ttlSeconds: 3600, fetch: async (id) => bookValue(id) })
  try {
    for (let from = 0; from < keys; from += 100) {
      await Promise.all(Array.from({ length: Math.min(100, keys - from) }, (_, i) => c.get(from + i)))
    }
    await drive((w, n, seq) => c.get(keyOf(w, n, seq)), { parallel: 100, durationMs: 500 })
    const path = join(tmpdir(), `cacheme-bench-${name}-${process.pid}.cpuprofile`)
    const { opsPerSec } = await profileDuring(path, () => drive((w, n, seq) => c.get(keyOf(w, n, seq)), { parallel: 100, durationMs }))
    return { path, opsPerSec, top: topSelfTime(path, 15), shares: timeShares(path) }
  } finally {
    await c.close()
  }
}
