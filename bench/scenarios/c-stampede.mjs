import { fork } from 'node:child_process'
import { percentile, summarize } from '../support/stats.mjs'
import { slug } from './throughput.mjs'

export const PROCESSES = 4
export const CALLERS = 250
export const FETCH_MS = 100

const child = new URL('./c-child.mjs', import.meta.url)
const register = new URL('../support/register-ioredis.mjs', import.meta.url).href

/**
 * (c) cold stampede: PROCESSES real processes × CALLERS concurrent callers get one cold key
 * whose fetcher takes FETCH_MS. Counts fetcher calls over all processes, and p99 latency.
 */
export async function stampede({ contestants, url, rounds, log }) {
  const results = []
  for (const contestant of contestants) {
    const prefix = `bench:c:${slug(contestant.name)}`
    const children = await Promise.all(Array.from({ length: PROCESSES }, () => start(contestant.name, url, prefix)))
    const fetchCounts = []
    const p99s = []
    let errors = 0
    try {
      for (let r = 0; r < rounds; r++) {
        const id = r + 1
        // Every process starts its callers at once (one message each, sent back to back).
        const replies = children.map((c) => nextMessage(c))
        for (const c of children) c.send({ id })
        const answers = await Promise.all(replies)
        fetchCounts.push(answers.reduce((sum, a) => sum + a.fetches, 0))
        p99s.push(
          percentile(
            answers.flatMap((a) => a.latencies),
            99,
          ),
        )
        errors += answers.reduce((sum, a) => sum + a.errors, 0)
      }
    } finally {
      await Promise.all(children.map(stop))
    }
    log(`  c: ${contestant.name}: fetches per round ${fetchCounts.join(', ')}`)
    results.push({
      contestant: contestant.name,
      baseline: !!contestant.baseline,
      fetches: summarize(fetchCounts),
      maxFetches: Math.max(...fetchCounts),
      p99Ms: summarize(p99s),
      errors,
    })
  }
  return results
}

async function start(name, url, prefix) {
  const c = fork(child, [name, url, prefix, String(CALLERS), String(FETCH_MS)], {
    execArgv: ['--import', register],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = await nextMessage(c)
  if (ready.kind !== 'ready') throw new Error(`bench (c): child for ${name} sent ${JSON.stringify(ready)}`)
  return c
}

function nextMessage(c) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`bench (c): child exited with code ${code}`))
    c.once('exit', onExit)
    c.once('message', (m) => {
      c.off('exit', onExit)
      resolve(m)
    })
  })
}

function stop(c) {
  return new Promise((resolve) => {
    if (c.exitCode !== null) return resolve()
    c.once('exit', () => resolve())
    c.send({ kind: 'exit' })
  })
}
