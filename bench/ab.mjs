// A/B of two cacheme builds in ONE process, rounds interleaved: how a hit-path change was measured.
// Reports wall-clock ops/s and the process's CPU time per get (steadier on a busy machine).
//
//   cp -r packages/cacheme/dist bench/.tmp/before    # snapshot (git-ignored), then edit and rebuild
//   node bench/ab.mjs bench/.tmp/before packages/cacheme/dist
//
// PATTERNS=w,g runs some patterns only (first letters). LOCAL=true or LOCAL=shared gives every
// client the local tier (`local: true` / `local: { shared: true }`): pattern a is then issue 15's (i). Pattern w is issue 12's warm getMany(20)
// (one caller, 2,000 keys), in the same rounds as its baseline, MGET + JSON.parse of the same
// records stored as JSON ("× base" column: CPU per call over the baseline's, median of rounds).
import './support/register-ioredis.mjs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startStandalone } from './support/servers.mjs'
import { commandCounter } from './support/command-count.mjs'
import { drive, fill } from './support/drive.mjs'
import { median, percentile } from './support/stats.mjs'
import { bookValue } from './support/value.mjs'

const builds = process.argv.slice(2)
if (builds.length < 2) throw new Error('usage: node bench/ab.mjs DIST_A DIST_B [...]')
const rounds = Number(process.env.ROUNDS ?? 7)
const server = await startStandalone()
const memory = process.env.BACKEND === 'memory'
// Batches sent (a CPU-independent metric), counted by Redis itself: every hit batch is one
// command (MGET, or GET for a batch of one), so the data commands a round caused are its batches.
// Client internals are private, so the count comes from INFO commandstats, not from the client.
const commands = memory ? undefined : await commandCounter([server])
try {
  const patterns = {
    'a (10 hot keys)': { keys: 10, keyOf: (w, n) => (w + n) % 10 },
    'b (100k keys)': { keys: 100_000, keyOf: (_w, _n, seq) => seq % 100_000 },
    // Callers reaching get() at different promise depths, as resolvers of one request do.
    'm (mixed depth)': { keys: 100_000, keyOf: (_w, _n, seq) => seq % 100_000, depth: (w) => w % 4 },
    // One caller: nothing to batch with, so any wait of the batcher shows in the latency.
    'l (lone get)': { keys: 100, keyOf: (_w, n) => n % 100, parallel: 1 },
    // Issue 12's warm batch, and a warm get of one caller over the same keys.
    'w (warm getMany 20)': { keys: 2000, keyOf: (_w, n) => (n * 20) % 2000, parallel: 1, many: 20 },
    'g (warm get)': { keys: 2000, keyOf: (_w, n) => n % 2000, parallel: 1 },
  }
  const only = process.env.PATTERNS?.split(',')
  for (const name of Object.keys(patterns)) if (only && !only.includes(name[0])) delete patterns[name]
  const runs = []
  for (const [i, dir] of builds.entries()) {
    const { createClient, cached } = await import(pathToFileURL(resolve(dir, 'index.js')).href)
    // BACKEND=memory: the embedded backend, so only the hit path's own CPU cost is measured.
    const local = process.env.LOCAL === 'shared' ? { shared: true } : process.env.LOCAL === 'true' ? true : undefined
    const client = createClient(memory ? undefined : { redis: server.url, ...(local ? { local } : {}) })
    for (const [pattern, { keys, keyOf, depth, parallel = 100, many }] of Object.entries(patterns)) {
      const store = cached(`ab${i}:${pattern[0]}:<<id>>`, ({ id }) => bookValue(id), { ttl: 3600, client })
      await fill((id) => store.get({ id }), keys)
      const batches = many ? batchesOf(keys, many) : undefined
      const op = many
        ? (w, n, seq) => store.getMany(batches[((keyOf(w, n, seq) / many) | 0) % batches.length])
        : depth
          ? async (w, n, seq) => {
              for (let d = depth(w); d > 0; d--) await null
              return store.get({ id: keyOf(w, n, seq) })
            }
          : (w, n, seq) => store.get({ id: keyOf(w, n, seq) })
      runs.push({ dir, pattern, op, parallel, ops: [], cpu: [], p50: [], batches: 0, total: 0, client })
    }
    runs.at(-1).owner = true
  }
  // The baselines, once: the same records as JSON text, MGET / GET + JSON.parse.
  const { Redis } = await import('./support/ioredis.mjs')
  const raw = memory ? undefined : new Redis(server.url)
  for (const [pattern, { keys, keyOf, parallel = 100, many }] of Object.entries(patterns)) {
    if (!raw || !(pattern.startsWith('w') || pattern.startsWith('g'))) continue
    const keyOfId = (id) => `ab:json:${id}`
    const pipeline = raw.pipeline()
    for (let id = 0; id < keys; id++) pipeline.set(keyOfId(id), JSON.stringify(bookValue(id)), 'EX', 3600)
    await pipeline.exec()
    const batches = many ? batchesOf(keys, many).map((b) => b.map((p) => keyOfId(p.id))) : undefined
    const op = many
      ? async (w, n, seq) => (await raw.mget(batches[((keyOf(w, n, seq) / many) | 0) % batches.length])).map((t) => JSON.parse(t))
      : async (w, n, seq) => JSON.parse(await raw.get(keyOfId(keyOf(w, n, seq))))
    runs.push({
      dir: many ? 'MGET + JSON.parse' : 'GET + JSON.parse',
      pattern,
      op,
      parallel,
      ops: [],
      cpu: [],
      p50: [],
      batches: 0,
      total: 0,
      baseline: true,
    })
  }
  for (const run of runs) await drive(run.op, { parallel: run.parallel, durationMs: 700 })
  for (let r = 0; r < rounds; r++) {
    for (const run of runs) {
      const before = commands ? await commands.total() : 0
      const cpu = process.cpuUsage()
      const { opsPerSec, ops, latencies } = await drive(run.op, { parallel: run.parallel, durationMs: 700, sampleEvery: 1 })
      run.p50.push(percentile(latencies, 50) * 1000)
      const used = process.cpuUsage(cpu)
      run.cpu.push((used.user + used.system) / ops)
      run.ops.push(opsPerSec)
      if (commands) run.batches += (await commands.total()) - before
      run.total += ops
    }
  }
  for (const run of runs) {
    const m = median(run.ops)
    const base = runs.find((b) => b.baseline && b.pattern === run.pattern)
    const times = base && !run.baseline ? `${median(run.cpu.map((c, r) => c / base.cpu[r])).toFixed(2)}× base` : ''
    console.log(
      `${run.pattern.padEnd(20)} ${run.dir.padEnd(28)} ${Math.round(m).toString().padStart(9)} ops/s  ${median(run.cpu).toFixed(2).padStart(6)} cpu µs/call  ${times.padStart(10)}  ${(commands && !run.baseline ? (run.total / run.batches).toFixed(1) : '–').padStart(5)} calls/batch  p50 ${median(run.p50).toFixed(0).padStart(5)} µs  (${run.ops.map((o) => Math.round(o / 1000)).join(' ')} k)`,
    )
  }
  for (const run of runs) if (run.owner) await run.client.close()
  raw?.disconnect()
} finally {
  await commands?.close()
  await server.stop()
}

/** Param lists of `size` consecutive ids covering 0..keys-1. */
function batchesOf(keys, size) {
  return Array.from({ length: Math.ceil(keys / size) }, (_, b) => Array.from({ length: size }, (_, i) => ({ id: (b * size + i) % keys })))
}
