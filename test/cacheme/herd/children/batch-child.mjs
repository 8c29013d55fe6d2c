// A process using one cacheme store `item:<<id>>` with fetchMany, driven by the parent test over IPC.
// env: REDIS_URL or CLUSTER_SEEDS (comma-separated), PREFIX.
// Its fetchMany is gated: it emits 'fetching' with the ids it got, then waits for 'release'.
import { serve, emit, cacheTargetFromEnv } from '../../../harness/child-runtime.mjs'
import { createClient, cached } from 'cacheme'
// The package's own module instance (dist), for the raw lookups of 'sync'.
import { coreOf } from '../../../../packages/cacheme/dist/client/client.js'

const { options: target } = cacheTargetFromEnv()
const ops = {}
const client = createClient({
  ...target,
  logger: {
    log(_store, key, op) {
      ops[op] = (ops[op] ?? 0) + 1
      if (op === 'WAIT') emit('waiting', { key })
    },
  },
})

const releases = []
let failWith
const store = cached('item:<<id>>', ({ id }) => ({ id, by: 'child-one' }), {
  ttl: 60,
  client,
  fetchMany: async (list) => {
    emit('fetching', { ids: list.map((p) => p.id) })
    await new Promise((resolve) => releases.push(resolve))
    if (failWith) throw new Error(failWith)
    return list.map(({ id }) => ({ id, by: 'child' }))
  },
})

const started = new Map()

serve({
  configure(options) {
    if ('failWith' in options) failWith = options.failWith
  },
  release() {
    const release = releases.shift()
    if (!release) throw new Error('release: no fetchMany is waiting')
    release()
  },
  /** Starts a getMany of `ids` (settled) and returns at once; `finish` awaits it. */
  start({ ids, name }) {
    const pending = store
      .getMany(
        ids.map((id) => ({ id })),
        { settle: true },
      )
      .then((outcomes) =>
        outcomes.map((o) =>
          o.status === 'fulfilled'
            ? o
            : { status: 'rejected', name: o.reason?.name, code: o.reason?.code, message: String(o.reason?.message ?? o.reason) },
        ),
      )
    started.set(name, pending)
  },
  /**
   * Raw lookups of `ids` on the client's own connections: their replies come after those of
   * every command this process sent before on them (a waiter's re-check of those keys included).
   */
  async sync({ ids }) {
    await coreOf(client).backend.get(ids.map((id) => store.key({ id })))
  },
  finish({ name }) {
    return started.get(name)
  },
  ops() {
    return { ...ops }
  },
  async exit() {
    await client.close()
  },
})
