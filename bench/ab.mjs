// A/B of two cacheme builds in ONE process, rounds interleaved: how a hit-path change was measured.
//
//   cp -r packages/cacheme/dist bench/.ab/before     # snapshot, then edit and rebuild
//   node bench/ab.mjs bench/.ab/before packages/cacheme/dist
import './support/register-ioredis.mjs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startStandalone } from './support/servers.mjs'
import { drive } from './support/drive.mjs'
import { median } from './support/stats.mjs'
import { bookValue } from './support/value.mjs'

const builds = process.argv.slice(2)
if (builds.length < 2) throw new Error('usage: node bench/ab.mjs DIST_A DIST_B [...]')
const rounds = Number(process.env.ROUNDS ?? 7)
const server = await startStandalone()
try {
  const patterns = {
    'a (10 hot keys)': { keys: 10, keyOf: (w, n) => (w + n) % 10 },
    'b (100k keys)': { keys: 100_000, keyOf: (_w, _n, seq) => seq % 100_000 },
  }
  const runs = []
  for (const [i, dir] of builds.entries()) {
    const { createClient, cached } = await import(pathToFileURL(resolve(dir, 'index.js')).href)
    const client = createClient({ redis: server.url })
    for (const [pattern, { keys, keyOf }] of Object.entries(patterns)) {
      const store = cached(`ab${i}:${pattern[0]}:<<id>>`, ({ id }) => bookValue(id), { ttl: 3600, client })
      for (let f = 0; f < keys; f += 100) await Promise.all(Array.from({ length: Math.min(100, keys - f) }, (_, k) => store.get({ id: f + k })))
      runs.push({ dir, pattern, op: (w, n, seq) => store.get({ id: keyOf(w, n, seq) }), ops: [] })
    }
    runs.at(-1).client = client
  }
  for (const run of runs) await drive(run.op, { parallel: 100, durationMs: 700 })
  for (let r = 0; r < rounds; r++) {
    for (const run of runs) run.ops.push((await drive(run.op, { parallel: 100, durationMs: 700 })).opsPerSec)
  }
  for (const run of runs) {
    const m = median(run.ops)
    console.log(`${run.pattern.padEnd(16)} ${run.dir.padEnd(28)} ${Math.round(m).toString().padStart(9)} ops/s  (${run.ops.map((o) => Math.round(o / 1000)).join(' ')} k)`)
  }
  for (const run of runs) await run.client?.close()
} finally {
  await server.stop()
}
