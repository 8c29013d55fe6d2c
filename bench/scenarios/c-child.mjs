// One process of the cold-stampede scenario (c). The parent sends { id } messages; for each,
// this process starts CALLERS concurrent gets of that record (cold in Redis) through the
// contestant named in argv, and answers with its fetcher calls and every caller's latency.
import { contestants } from '../contestants.mjs'
import { bookValue } from '../support/value.mjs'

const [name, url, prefix, callers, fetchMs] = process.argv.slice(2)
const contestant = contestants.find((c) => c.name === name)
let fetches = 0
const fetch = async (id) => {
  fetches++
  await new Promise((resolve) => setTimeout(resolve, Number(fetchMs)))
  return bookValue(id)
}
const c = await contestant.open({ url, prefix, ttlSeconds: 60, fetch })

process.on('message', async (message) => {
  if (message.kind === 'exit') {
    await c.close()
    process.disconnect()
    return
  }
  const before = fetches
  const latencies = []
  let errors = 0
  await Promise.all(
    Array.from({ length: Number(callers) }, async () => {
      const start = performance.now()
      try {
        await c.get(message.id)
      } catch {
        errors++
      }
      latencies.push(performance.now() - start)
    }),
  )
  process.send({ kind: 'result', fetches: fetches - before, latencies, errors })
})
process.send({ kind: 'ready' })
