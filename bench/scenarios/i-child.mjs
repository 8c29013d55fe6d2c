// One process of the freshness bench's fleet part: CALLERS parallel loops get one hot key
// through the variant named in argv for RUN_MS, then report when each fetch of the run started
// (Date.now(): one clock for the processes of one machine) and every get's latency.
import { all } from './i-variants.mjs'
import { bookValue } from '../support/value.mjs'

const [name, url, prefix, callers, runMs, ttl, fetchMs] = process.argv.slice(2)
const variant = all.find((v) => v.name === name)
let fetchStarts = []
const fetch = async (id) => {
  fetchStarts.push(Date.now())
  await new Promise((resolve) => setTimeout(resolve, Number(fetchMs)))
  return bookValue(id)
}
const c = await variant.open({ url, prefix, ttl, fetch })
await c.get(1)

process.on('message', async (message) => {
  if (message.kind === 'exit') {
    await c.close()
    process.disconnect()
    return
  }
  fetchStarts = [] // the first fill (before the run) is not an expiry
  const latencies = []
  const until = performance.now() + Number(runMs)
  await Promise.all(
    Array.from({ length: Number(callers) }, async () => {
      while (performance.now() < until) {
        const start = performance.now()
        await c.get(1)
        latencies.push(performance.now() - start)
      }
    }),
  )
  process.send({ kind: 'result', fetchStarts, latencies })
})
process.send({ kind: 'ready' })
