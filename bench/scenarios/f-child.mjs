// One memory measurement of one contestant (scenario f), in its own process run with
// --expose-gc, so no garbage of another measurement skews it. Prints the bytes as one JSON line:
// heap per pending get (`one-key`: all on one cold key; `distinct`: each on its own cold key;
// fetches held open) or per defined store (`stores`).
import { contestants } from '../contestants.mjs'
import { bookValue } from '../support/value.mjs'

const [name, url, prefix, kind, waitersText, storesText] = process.argv.slice(2)
const WAITERS = Number(waitersText)
const STORES = Number(storesText)
const contestant = contestants.find((c) => c.name === name)

let started = 0
let gate = Promise.resolve()
const fetch = async (id) => {
  started++
  await gate
  return bookValue(id)
}
const c = await contestant.open({ url, prefix, ttlSeconds: 60, fetch })

function heap() {
  globalThis.gc()
  globalThis.gc()
  return process.memoryUsage().heapUsed
}

async function until(condition, what) {
  const deadline = Date.now() + 30_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench (f): ${name}: timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Heap per pending get; `idOf(i)` picks each caller's record (cold); fetches are held open. */
async function perPendingGet(idOf, fetches) {
  let release
  gate = new Promise((resolve) => {
    release = resolve
  })
  started = 0
  const pending = new Array(WAITERS)
  const before = heap()
  for (let i = 0; i < WAITERS; i++) pending[i] = c.get(idOf(i)).catch(() => {})
  await until(() => started >= fetches, `${fetches} fetches to start`)
  // Let every lookup, lock attempt and subscription reach its waiting state.
  await new Promise((resolve) => setTimeout(resolve, 200))
  const bytes = (heap() - before) / WAITERS
  release()
  await Promise.all(pending)
  return bytes
}

async function perStore() {
  if (!c.defineStore) return undefined
  const stores = new Array(STORES)
  const before = heap()
  for (let i = 0; i < STORES; i++) stores[i] = c.defineStore(i)
  return (heap() - before) / STORES
}

await c.get(-1) // load and warm the code paths (one miss)
const bytes =
  kind === 'one-key'
    ? await perPendingGet(() => 1_000_000, 1)
    : kind === 'distinct'
      ? await perPendingGet((i) => 2_000_000 + i, WAITERS)
      : await perStore()
await c.close()
process.stdout.write(JSON.stringify({ bytes }) + '\n')
