import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cacheme } from '../contestants.mjs'
import { profileDuring } from './cpu-profile.mjs'
import { timeShares, topSelfTime } from './profile-summary.mjs'
import { drive, fill } from './drive.mjs'
import { bookValue } from './value.mjs'

/**
 * CPU profile of cacheme alone on a throughput scenario's pattern (HOT_KEYS, DISTINCT: `name`,
 * `keys`, `keyOf`, `parallel`), as `node --cpu-prof` records it but only while measuring: the
 * top self-time functions, for a goal the run missed.
 */
export async function profileThroughput({ url, name, keys, keyOf, parallel, durationMs = 2000 }) {
  const c = await cacheme.open({ url, prefix: `bench:profile:${name}`, ttlSeconds: 3600, fetch: async (id) => bookValue(id) })
  try {
    await fill((id) => c.get(id), keys, parallel)
    await drive((w, n, seq) => c.get(keyOf(w, n, seq)), { parallel, durationMs: 500 })
    const path = join(tmpdir(), `cacheme-bench-${name}-${process.pid}.cpuprofile`)
    const { opsPerSec } = await profileDuring(path, () => drive((w, n, seq) => c.get(keyOf(w, n, seq)), { parallel, durationMs }))
    return { path, opsPerSec, top: topSelfTime(path, 15), shares: timeShares(path) }
  } finally {
    await c.close()
  }
}
