// One process of the read-after-write checker (see workload.mjs), driven by run.ts over IPC.
// env: REDIS_URL or CLUSTER_SEEDS (comma-separated) for the cache, DB_URL (the source of truth),
// PREFIX, TIMEOUT_MS and LOCAL (the client's `local` option as JSON; optional), BASE_NS (the shared time base, a decimal string).
import { createRequire } from 'node:module'
import { serve, cacheTargetFromEnv } from '../child-runtime.mjs'
import { createClient } from 'cacheme'
import { runWorkload, warm } from './workload.mjs'

const env = process.env
const { Redis } = createRequire(import.meta.resolve('cacheme'))('ioredis')
const { options: target } = cacheTargetFromEnv()
const ops = {}
const client = createClient({
  ...target,
  ...(env.TIMEOUT_MS ? { timeout: Number(env.TIMEOUT_MS) } : {}),
  ...(env.LOCAL ? { local: JSON.parse(env.LOCAL) } : {}),
  logger: {
    log(_store, _key, op) {
      ops[op] = (ops[op] ?? 0) + 1
    },
  },
})
const db = new Redis(env.DB_URL)
const base = BigInt(env.BASE_NS)

serve({
  run(options) {
    return runWorkload({ ...options, client, db, base })
  },
  warm(options) {
    return warm({ ...options, client, db })
  },
  /** Logger op counts since the start (HIT, MISS, FETCH, WAIT, ERROR). */
  ops() {
    return { ...ops }
  },
  async exit() {
    await client.close()
    db.disconnect()
  },
})
