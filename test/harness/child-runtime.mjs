// The child side of test/harness/children.ts. A child script does:
//
//   import { serve, emit } from '<relative path>/test/harness/child-runtime.mjs'
//   import { configure, cached } from 'cacheme'
//   serve({ async get({ id }) { ... return value } })
//
// `serve` answers the parent's requests with the handler's result (or its error) and tells the
// parent it is ready; `emit(type, data)` sends an event the parent can await with `waitFor`.

/**
 * Where the parent test's cache is, from the env it gives a child: `REDIS_URL`, or `CLUSTER_SEEDS`
 * (comma-separated host:port), and `PREFIX`. Spread it into `createClient()`; `seeds` is the
 * cluster's list (undefined on standalone) for the child's own raw connections.
 */
export function cacheTargetFromEnv(env = process.env) {
  const seeds = env.CLUSTER_SEEDS ? env.CLUSTER_SEEDS.split(',') : undefined
  if (!seeds && !env.REDIS_URL) throw new Error('child-runtime: the parent gave neither REDIS_URL nor CLUSTER_SEEDS')
  return { seeds, options: { ...(seeds ? { cluster: seeds } : { redis: env.REDIS_URL }), prefix: env.PREFIX } }
}

/** The outcomes of settled promises for a reply: the values, and the errors as text (`describe(reason)`, default its message). */
export function outcomesOf(settled, describe = (reason) => String(reason?.message ?? reason)) {
  return {
    values: settled.filter((o) => o.status === 'fulfilled').map((o) => o.value),
    errors: settled.filter((o) => o.status === 'rejected').map((o) => describe(o.reason)),
  }
}

/** Converts a value for IPC (structured clone, which keeps Error fields poorly). */
function errorPayload(error) {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack }
  return { name: 'Error', message: String(error) }
}

export function emit(type, data) {
  process.send?.({ kind: 'event', type, data })
}

export function serve(handlers) {
  if (!process.send) throw new Error('child-runtime: this script must be started by test/harness/children.ts (no IPC channel)')
  process.on('message', async (message) => {
    if (!message || typeof message !== 'object') return
    if (message.kind === 'exit') {
      try {
        await handlers.exit?.()
      } finally {
        process.disconnect()
      }
      return
    }
    if (message.kind !== 'request') return
    const handler = handlers[message.name]
    try {
      if (typeof handler !== 'function')
        throw new Error(`child-runtime: no handler '${message.name}'; have ${Object.keys(handlers).join(', ')}`)
      const result = await handler(message.args)
      process.send({ kind: 'reply', id: message.id, result })
    } catch (error) {
      process.send({ kind: 'reply', id: message.id, error: errorPayload(error) })
    }
  })
  process.send({ kind: 'ready' })
}
