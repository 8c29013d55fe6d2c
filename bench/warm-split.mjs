// Issue 12's warm getMany(20), split: how much of cacheme's client CPU over MGET + JSON.parse is
// the codec and how much the rest of the read path. In one process, rounds interleaved (order
// alternated, a collection before each), this process's CPU (process.cpuUsage) per batch of:
//   MGET + JSON.parse                  the baseline (the same records stored as JSON text)
//   mgetBuffer + JSON.parse(toString)  the same with Buffer replies, as cacheme reads them
//   mgetBuffer only / mget only        the round trip alone
//   mgetBuffer + hit [build]           the round trip + that build's default codec and frame check
//                                      (ValueFormat.hit) on values it wrote: what the codec costs
//   cacheme getMany [build]            the whole store: the codec + everything else
// for each cacheme build given (a dist directory; snapshot one as bench/ab.mjs says):
//   npm run build && node --expose-gc bench/warm-split.mjs bench/.ab/before packages/cacheme/dist
// ROUNDS (11), CALLS (2000 batches per round); ONLY=a,b keeps the rows whose name contains one.
import './support/register-ioredis.mjs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startStandalone } from './support/servers.mjs'
import { Redis } from './support/ioredis.mjs'
import { bookValue } from './support/value.mjs'

const dists = process.argv.slice(2)
if (dists.length === 0) throw new Error('usage: node --expose-gc bench/warm-split.mjs DIST [DIST...]')
const ROUNDS = Number(process.env.ROUNDS ?? 11)
const CALLS = Number(process.env.CALLS ?? 2000)
const KEYS = 2000
const B = 20
const only = process.env.ONLY?.split(',')
const server = await startStandalone()
const raw = new Redis(server.url)
const batches = Array.from({ length: KEYS / B }, (_, b) => Array.from({ length: B }, (_, i) => b * B + i))
async function put(prefix, enc) {
  const p = raw.pipeline()
  for (let id = 0; id < KEYS; id++) p.set(`${prefix}:${id}`, enc(bookValue(id)), 'EX', 3600)
  await p.exec()
  return batches.map((b) => b.map((id) => `${prefix}:${id}`))
}
const jsonKeys = await put('j', (v) => JSON.stringify(v))
const runs = [
  { name: 'MGET + JSON.parse', op: async (k) => (await raw.mget(k)).map((t) => JSON.parse(t)), keys: jsonKeys },
  {
    name: 'mgetBuffer + JSON.parse(toString)',
    op: async (k) => (await raw.mgetBuffer(k)).map((t) => JSON.parse(t.toString())),
    keys: jsonKeys,
  },
  { name: 'mgetBuffer only', op: (k) => raw.mgetBuffer(k), keys: jsonKeys },
  { name: 'mget only', op: (k) => raw.mget(k), keys: jsonKeys },
]
for (const [i, dir] of dists.entries()) {
  const base = pathToFileURL(resolve(dir)).href + '/'
  const { resolveCodec } = await import(base + 'codec/codec.js')
  const { createClient, cached } = await import(base + 'index.js')
  const format = resolveCodec(undefined, 'warm-split')
  const keys = await put(`m${i}`, (v) => format.write(v))
  runs.push({ name: `mgetBuffer + hit [${dir}]`, op: async (k) => (await raw.mgetBuffer(k)).map((b) => format.hit(b)), keys })
  const client = createClient({ redis: server.url })
  const store = cached(`c${i}:<<id>>`, ({ id }) => bookValue(id), { ttl: 3600, client })
  for (const b of batches) await store.getMany(b.map((id) => ({ id })))
  const params = batches.map((b) => b.map((id) => ({ id })))
  runs.push({ name: `cacheme getMany [${dir}]`, op: (k) => store.getMany(k), keys: params, client })
}
const picked = only ? runs.filter((r, i) => i === 0 || only.some((o) => r.name.includes(o))) : runs
for (const r of picked) {
  Object.assign(r, { cpu: [], user: [], system: [] })
  for (let i = 0; i < 500; i++) await r.op(r.keys[i % r.keys.length]) // warm-up
}
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...picked].reverse() : picked
  for (const r of order) {
    globalThis.gc?.()
    const c0 = process.cpuUsage()
    for (let i = 0; i < CALLS; i++) await r.op(r.keys[i % r.keys.length])
    const u = process.cpuUsage(c0)
    r.cpu.push((u.user + u.system) / CALLS)
    r.user.push(u.user / CALLS)
    r.system.push(u.system / CALLS)
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS}\n`)
}
const quantile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]
const base = picked[0].cpu
console.log(
  '| contestant | CPU µs per batch (median) | p25-p75 | user / system µs | × MGET + JSON.parse, paired by round (median) | p25-p75 |',
)
console.log('|---|---:|---:|---:|---:|---:|')
for (const r of picked) {
  const ratios = r.cpu.map((c, i) => c / base[i])
  const range = (xs, digits) => `${quantile(xs, 0.25).toFixed(digits)}-${quantile(xs, 0.75).toFixed(digits)}`
  console.log(
    `| ${r.name} | ${quantile(r.cpu, 0.5).toFixed(1)} | ${range(r.cpu, 1)} | ${quantile(r.user, 0.5).toFixed(1)} / ${quantile(r.system, 0.5).toFixed(1)} | ${quantile(ratios, 0.5).toFixed(2)} | ${range(ratios, 2)} |`,
  )
}
for (const r of picked) await r.client?.close()
await raw.quit()
await server.stop()
