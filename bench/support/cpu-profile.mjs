import { Session } from 'node:inspector/promises'
import { writeFileSync } from 'node:fs'

/**
 * Profiles `work()` only (not setup), like `node --cpu-prof` does for a whole process, and
 * writes the `.cpuprofile` to `path`.
 */
export async function profileDuring(path, work) {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  await session.post('Profiler.start')
  try {
    return await work()
  } finally {
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(path, JSON.stringify(profile))
    session.disconnect()
  }
}
