import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { slug } from './throughput.mjs'

export const WAITERS = 10_000
export const STORES = 1_000

const run = promisify(execFile)
const child = new URL('./f-child.mjs', import.meta.url).pathname
const register = new URL('../support/register-ioredis.mjs', import.meta.url).href

/**
 * (f) heap per 10,000 pending waiters (on one cold key and on 10,000 distinct cold keys, the
 * fetches held open) and per 1,000 stores: each measurement in a fresh process with --expose-gc.
 */
export async function memory({ contestants, url, log }) {
  const results = []
  for (const contestant of contestants) {
    const measure = async (kind) => {
      const prefix = `bench:f:${slug(contestant.name)}:${kind}:${Date.now()}`
      const { stdout } = await run(
        process.execPath,
        ['--expose-gc', '--import', register, child, contestant.name, url, prefix, kind, String(WAITERS), String(STORES)],
        { timeout: 120_000, maxBuffer: 1 << 20 },
      )
      return JSON.parse(stdout.trim().split('\n').pop()).bytes ?? undefined
    }
    const result = {
      contestant: contestant.name,
      baseline: !!contestant.baseline,
      oneKeyBytes: await measure('one-key'),
      distinctKeysBytes: await measure('distinct'),
      storeBytes: await measure('stores'),
    }
    results.push(result)
    log(
      `  f: ${contestant.name}: ${Math.round(result.oneKeyBytes)} B per waiter on one key, ${Math.round(result.distinctKeysBytes)} B on distinct keys`,
    )
  }
  return results
}
