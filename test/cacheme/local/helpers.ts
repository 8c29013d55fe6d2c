import { setTimeout as sleep } from 'node:timers/promises'
import type { CacheOp, Client } from 'cacheme'
import { coreOf } from '../../../packages/cacheme/dist/client/client.js'
import type { LocalTier } from '../../../packages/cacheme/dist/local/tier.js'

/** Polls `check` (every 2 ms) until it holds; fails after `boundMs` with `what`. Returns the ms it took. */
export async function until(what: string, check: () => boolean | Promise<boolean>, boundMs = 3000): Promise<number> {
  const started = performance.now()
  for (;;) {
    if (await check()) return performance.now() - started
    if (performance.now() - started > boundMs) throw new Error(`not within ${boundMs} ms: ${what}`)
    await sleep(2)
  }
}

/** A logger that records ops, and the last op of each key. */
export function opLog(): { ops: CacheOp[]; last: Map<string, CacheOp>; logger: { log(store: string, key: string, op: CacheOp): void } } {
  const ops: CacheOp[] = []
  const last = new Map<string, CacheOp>()
  return {
    ops,
    last,
    logger: {
      log: (_store, key, op) => {
        ops.push(op)
        last.set(key, op)
      },
    },
  }
}

/** The client's local tier (internals), to check its bounds. */
export function tierOf(client: Client): LocalTier {
  const local = coreOf(client).local
  if (!local) throw new Error('the client has no local tier')
  return local.tier
}

/** Gets until the value is served locally (the first read after a fill may lose its entry to the fill's own invalidation). */
export async function warmLocal(get: () => Promise<unknown>, log: { ops: CacheOp[] }): Promise<void> {
  await until('the value is served from the local tier', async () => {
    const before = log.ops.length
    await get()
    return log.ops.slice(before).includes('LOCAL')
  })
}
