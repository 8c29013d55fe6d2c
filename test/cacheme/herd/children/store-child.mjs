// A process using one cacheme store `item:<<id>>`, driven by the parent test over IPC.
// env: REDIS_URL or CLUSTER_SEEDS (comma-separated), PREFIX, FETCH_MS (default 200),
// LOCK_TTL (default '5s'), LOCK_WAIT, TIMEOUT_MS, COUNTER ('redis' | 'local').
import { createRequire } from 'node:module'
import { setTimeout as delay } from 'node:timers/promises'
import { serve, emit, cacheTargetFromEnv, outcomesOf } from '../../../harness/child-runtime.mjs'
import { createClient, cached } from 'cacheme'

const env = process.env
const { seeds, options: target } = cacheTargetFromEnv()
const ops = {}
const logger = {
  log(_store, _key, op) {
    ops[op] = (ops[op] ?? 0) + 1
    if (op === 'WAIT') emit('joined', { role: 'waiter' })
  },
}
const client = createClient({
  ...target,
  logger,
  ...(env.TIMEOUT_MS ? { timeout: Number(env.TIMEOUT_MS) } : {}),
})

// The fetch counter lives in Redis (shared by the processes), or in this process when the
// test takes Redis away.
const { Redis, Cluster } = createRequire(import.meta.resolve('cacheme'))('ioredis')
const counterConnection = env.COUNTER === 'local' ? undefined : seeds ? new Cluster(seeds) : new Redis(env.REDIS_URL)
let localCount = 0
const countFetch = () => (counterConnection ? counterConnection.incr(`${env.PREFIX}:fetches`) : ++localCount)

let fetchMs = Number(env.FETCH_MS ?? 200)
// Gated: a fetch goes on only when the parent sends 'release' for its id (an event, not a delay).
let gated = false
const releases = new Map()
let failWith
let padding = ''
const lock = { ttl: env.LOCK_TTL ?? '5s', ...(env.LOCK_WAIT ? { wait: env.LOCK_WAIT } : {}) }
const store = cached(
  'item:<<id>>',
  async ({ id }) => {
    const n = await countFetch()
    emit('fetching', { id, n, pid: process.pid })
    if (gated) {
      emit('joined', { role: 'holder' })
      await new Promise((resolve) => releases.set(id, resolve))
    } else {
      await delay(fetchMs)
    }
    if (failWith) {
      emit('failing', { at: Date.now() })
      throw new Error(failWith)
    }
    return { id, n, by: process.pid, padding }
  },
  { ttl: 60, lock, client },
)

const started = new Map()

async function viaPipeline(ids) {
  const pipeline = client.pipeline()
  const values = ids.map((id) => store.getP(pipeline, { id }))
  await pipeline.execute()
  return Promise.all(values)
}

serve({
  configure(options) {
    if (options.fetchMs !== undefined) fetchMs = options.fetchMs
    if ('failWith' in options) failWith = options.failWith
    if (options.gated !== undefined) gated = options.gated
    if (options.valueBytes !== undefined) padding = 'x'.repeat(options.valueBytes)
  },
  release({ id = 1 } = {}) {
    const release = releases.get(id)
    if (!release) throw new Error(`release: no gated fetch of id ${id} is waiting`)
    releases.delete(id)
    release()
  },
  get({ id }) {
    return store.get({ id })
  },
  /** `n` concurrent gets of one key; every outcome is reported, with when the last one settled. */
  async burst({ id, n }) {
    const settled = await Promise.allSettled(Array.from({ length: n }, () => store.get({ id })))
    return { ...outcomesOf(settled), lastSettledAt: Date.now() }
  },
  /** Starts a get (or a getMany / pipelined getP of `ids`) and returns at once; `finish` awaits it. */
  start({ id, ids, via = 'get', name }) {
    const pending =
      via === 'getMany' ? store.getMany(ids.map((i) => ({ id: i }))) : via === 'pipeline' ? viaPipeline(ids) : store.get({ id })
    pending.catch(() => {})
    started.set(name, pending)
  },
  finish({ name }) {
    return started.get(name)
  },
  invalidate({ id }) {
    return store.invalidate({ id })
  },
  invalidateAll() {
    return store.invalidateAll()
  },
  refresh({ id }) {
    return store.refresh({ id })
  },
  key({ id }) {
    return store.key({ id })
  },
  ops() {
    return { ...ops }
  },
  async exit() {
    await client.close()
    counterConnection?.disconnect()
  },
})
