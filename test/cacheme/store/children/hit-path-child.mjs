// A process that counts which files of the package a warm hit runs, for store.test.ts. It runs
// the package as users do (plain Node ESM over dist), not through the test runner's module
// transform, whose import bindings are functions of the importing file.
// env: REDIS_URL, PREFIX.
import { Session } from 'node:inspector/promises'
import { serve } from '../../../harness/child-runtime.mjs'
import { createClient, cached } from 'cacheme'

const DIST = '/packages/cacheme/dist/'
const client = createClient({ redis: process.env.REDIS_URL, prefix: process.env.PREFIX })
const store = cached('book:<<id>>', ({ id }) => ({ id, title: `t${id}` }), { ttl: 60, client })
const ops = {
  get: () => store.get({ id: 1 }),
  getMany: () => store.getMany([{ id: 1 }, { id: 2 }, { id: 3 }]),
}

serve({
  /**
   * The package files (codec/ as one: its split is the codec's business) whose functions V8's
   * precise coverage saw called during `hits` warm calls of `op` (exact call counts, reset by
   * each take: the warm-up's calls are not counted), and the hits client.stats() counted.
   */
  async filesRun({ op, hits }) {
    const run = ops[op]
    await run() // a miss: fetched and written
    const session = new Session()
    session.connect()
    try {
      await session.post('Profiler.enable')
      await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false })
      for (let i = 0; i < 50; i++) await run()
      const before = client.stats().total.hits // (client.js: read before the counts are reset)
      await session.post('Profiler.takePreciseCoverage')
      for (let i = 0; i < hits; i++) await run()
      const { result } = await session.post('Profiler.takePreciseCoverage')
      const files = new Set()
      for (const script of result) {
        const at = script.url.indexOf(DIST)
        if (at < 0 || !script.functions.some((f) => f.ranges[0].count > 0)) continue
        const file = script.url.slice(at + DIST.length)
        files.add(file.startsWith('codec/') ? 'codec/' : file)
      }
      return { files: [...files].sort(), hits: client.stats().total.hits - before }
    } finally {
      await session.post('Profiler.stopPreciseCoverage')
      session.disconnect()
    }
  },
  async exit() {
    await client.close()
  },
})
