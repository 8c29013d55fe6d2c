// A process using one cacheme store `fresh:<<id>>` with freshness options, driven over IPC.
// env: REDIS_URL or CLUSTER_SEEDS, PREFIX, OPTIONS (JSON: the store's options, e.g.
// {"ttl":"300ms","staleWhileRevalidate":"1m"}), FETCH_MS (default 10).
import { createRequire } from 'node:module'
import { setTimeout as delay } from 'node:timers/promises'
import { serve, emit, cacheTargetFromEnv, outcomesOf } from '../../../harness/child-runtime.mjs'
import { createClient, cached } from 'cacheme'

const env = process.env
const { seeds, options: target } = cacheTargetFromEnv()
const ops = {}
const client = createClient({
  ...target,
  logger: {
    log(_store, _key, op) {
      ops[op] = (ops[op] ?? 0) + 1
      if (op === 'WAIT') emit('waiting', { pid: process.pid })
    },
  },
})

// The fetch counter lives in Redis, shared by the processes.
const { Redis, Cluster } = createRequire(import.meta.resolve('cacheme'))('ioredis')
const counter = seeds ? new Cluster(seeds) : new Redis(env.REDIS_URL)

const fetchMs = Number(env.FETCH_MS ?? 10)
let gated = false
let failWith
let release
const store = cached(
  'fresh:<<id>>',
  async ({ id }) => {
    const n = await counter.incr(`${env.PREFIX}:fetches`)
    emit('fetching', { n, pid: process.pid })
    if (gated)
      await new Promise((resolve) => {
        release = resolve
      })
    else await delay(fetchMs)
    if (failWith) throw new Error(failWith)
    return { id, n }
  },
  { ...JSON.parse(env.OPTIONS), client },
)

serve({
  configure(options) {
    if (options.gated !== undefined) gated = options.gated
    if ('failWith' in options) failWith = options.failWith
  },
  /** Whether this process's fetch is held open (and so whether `release` applies here). */
  holding() {
    return release !== undefined
  },
  release() {
    if (!release) throw new Error('release: no gated fetch here')
    release()
    release = undefined
  },
  get({ id }) {
    return store.get({ id })
  },
  /** `n` concurrent gets; every outcome, settled (errors as 'name: message'). */
  async burst({ id, n }) {
    const settled = await Promise.allSettled(Array.from({ length: n }, () => store.get({ id })))
    return outcomesOf(settled, (reason) => `${reason?.name}: ${reason?.message ?? reason}`)
  },
  /** Waves of `n` parallel gets for `ms`: the distinct values seen and the slowest get (ms). */
  async hammer({ id, n, ms }) {
    const seen = new Set()
    let slowest = 0
    const until = Date.now() + ms
    while (Date.now() < until) {
      await Promise.all(
        Array.from({ length: n }, async () => {
          const started = performance.now()
          const value = await store.get({ id })
          slowest = Math.max(slowest, performance.now() - started)
          seen.add(value.n)
        }),
      )
      await delay(1)
    }
    return { seen: [...seen], slowest }
  },
  ops() {
    return { ...ops }
  },
  async exit() {
    await client.close()
    counter.disconnect()
  },
})
