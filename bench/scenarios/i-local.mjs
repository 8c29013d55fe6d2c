import { fork } from 'node:child_process'
import { once } from 'node:events'
import { cached, createClient } from 'cacheme'
import { LocalTier } from '../../packages/cacheme/dist/local/tier.js'
import { Redis } from '../support/ioredis.mjs'
import { percentile, summarize } from '../support/stats.mjs'
import { bookValue } from '../support/value.mjs'
import { HOT_KEYS } from './a-hot-keys.mjs'
import { slug, throughput } from './throughput.mjs'

const child = new URL('./i-local-child.mjs', import.meta.url)
const register = new URL('../support/register-ioredis.mjs', import.meta.url).href
export const READERS = 3
export const WRITES = 40

/** (i) hot keys: the cacheme-go workload (10 keys, 100 loops) with the local tier and its peers. */
export function localHotKeys({ contestants, url, server, rounds, roundMs, log }) {
  return throughput({ ...HOT_KEYS, name: 'i', contestants, url, server, log, rounds, roundMs })
}

/**
 * Staleness after a write by another process: READERS reader processes and one writer process,
 * each with the contestant. For each of WRITES writes, every reader gets the record (pace 'spin':
 * back to back, one event-loop turn between gets; 'paced': a 1 ms timer between gets) until it has
 * the new version; the time from the writer's write resolving to each reader first serving it is
 * one sample. A reader still stale after 2 s counts as "stayed stale".
 */
export async function staleness({ contestants, url, log, pace = 'spin' }) {
  const results = []
  for (const contestant of contestants) {
    const prefix = `bench:i-stale:${slug(contestant.name)}`
    const processes = await Promise.all(Array.from({ length: READERS + 1 }, () => start(contestant.name, url, prefix)))
    const [writer, ...readers] = processes
    const samples = []
    let stayedStale = 0
    try {
      const id = 1
      await ask(writer, { kind: 'write', id, version: 0 }, 'written')
      await Promise.all(readers.map((r) => ask(r, { kind: 'warm', id }, 'warm')))
      for (let version = 1; version <= WRITES; version++) {
        await Promise.all(readers.map((r) => ask(r, { kind: 'watch', id, version, pace }, 'watching')))
        const seen = readers.map((r) => next(r, 'seen'))
        const { resolvedNs } = await ask(writer, { kind: 'write', id, version }, 'written')
        for (const s of await Promise.all(seen)) {
          if (s.seenNs === null) stayedStale++
          else samples.push(Number(BigInt(s.seenNs) - BigInt(resolvedNs)) / 1e6)
        }
      }
    } finally {
      await Promise.all(processes.map(stop))
    }
    samples.sort((a, b) => a - b)
    const row = {
      contestant: contestant.name,
      pace,
      p50Ms: percentile(samples, 50),
      p99Ms: percentile(samples, 99),
      maxMs: samples.at(-1) ?? NaN,
      samples: samples.length,
      stayedStale,
    }
    log(
      `  i: staleness of ${contestant.name} (${pace}): p50 ${row.p50Ms.toFixed(2)} ms, p99 ${row.p99Ms.toFixed(2)} ms, max ${row.maxMs.toFixed(2)} ms, stayed stale ${stayedStale}`,
    )
    results.push(row)
  }
  return results
}

/**
 * Collects until the heap stops shrinking: one gc() leaves garbage of the loops before it (the
 * 20,000 latency samples' promises, freed buffers whose memory V8 returns later), which made the
 * per-entry figure swing by hundreds of bytes, once below zero.
 */
async function settledHeap() {
  let last = Infinity
  for (let i = 0; i < 10; i++) {
    globalThis.gc?.()
    await new Promise(setImmediate)
    const { heapUsed, arrayBuffers } = process.memoryUsage()
    if (heapUsed + arrayBuffers >= last - 1024) return
    last = heapUsed + arrayBuffers
  }
}

/** Local hit latency (one caller, sequential) and heap per kept entry, in this process. */
export async function localFootprint({ contestants, url, log }) {
  const ENTRIES = 20_000
  const rows = []
  for (const contestant of contestants) {
    const c = await contestant.open({
      url,
      prefix: `bench:i-heap:${slug(contestant.name)}`,
      ttlSeconds: 600,
      fetch: async (id) => bookValue(id),
    })
    for (let i = 0; i < 3; i++) await c.get(0) // in the local tier (a first read can lose its entry to its fill's invalidation)
    const latencies = []
    for (let i = 0; i < 20_000; i++) {
      const t = performance.now()
      await c.get(0)
      latencies.push(performance.now() - t)
    }
    latencies.sort((a, b) => a - b)
    // Heap per entry: ENTRIES distinct records read twice (filled in Redis, then kept locally).
    for (let from = 1; from <= ENTRIES; from += 500) await Promise.all(Array.from({ length: 500 }, (_, i) => c.get(from + i)))
    await settledHeap()
    const before = process.memoryUsage()
    for (let round = 0; round < 2; round++) {
      for (let from = ENTRIES + 1; from <= 2 * ENTRIES; from += 500)
        await Promise.all(Array.from({ length: 500 }, (_, i) => c.get(from + i)))
    }
    await settledHeap()
    const after = process.memoryUsage()
    const perEntry = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / ENTRIES
    await c.close()
    rows.push({
      contestant: contestant.name,
      p50Us: percentile(latencies, 50) * 1000,
      p99Us: percentile(latencies, 99) * 1000,
      bytesPerEntry: perEntry,
    })
    log(
      `  i: ${contestant.name}: local hit p50 ${(percentile(latencies, 50) * 1000).toFixed(1)} µs, heap per entry ${perEntry.toFixed(0)} B`,
    )
  }
  return rows
}

/**
 * Server memory per tracked key (default mode) and the invalidation fan-out of BCAST: one
 * process reads KEYS keys through the local tier; another raw connection in BCAST PREFIX mode
 * counts the invalidations it gets for writes of keys it never read.
 */
export async function serverCost({ server, log }) {
  const KEYS = 50_000
  const raw = new Redis(server.url)
  const prefix = 'bench:i-cost'
  const open = (local) => {
    const c = createClient({ redis: server.url, prefix, ...(local ? { local: { maxEntries: KEYS * 2 } } : {}) })
    return { c, store: cached('k:<<id>>', ({ id }) => ({ id }), { ttl: 600, client: c }) }
  }
  // Filled by a client without the tier: nothing is tracked before the measured reads.
  const filler = open(false)
  const bcastTarget = new Redis(server.url, { protocol: 2 })
  const bcastData = new Redis(server.url)
  const { c: client, store } = open(true)
  try {
    // One client fills, another (with the tier) reads every key once.
    for (let from = 0; from < KEYS; from += 1000) await filler.store.getMany(Array.from({ length: 1000 }, (_, i) => ({ id: from + i })))
    await filler.c.close()
    await raw.call('MEMORY', 'PURGE').catch(() => {})
    const before = await usedMemory(raw)
    const trackedBefore = await trackedKeys(raw)
    for (let from = 0; from < KEYS; from += 1000) await store.getMany(Array.from({ length: 1000 }, (_, i) => ({ id: from + i })))
    const after = await usedMemory(raw)
    const trackedAfter = await trackedKeys(raw)
    const perKey = (after - before) / Math.max(1, trackedAfter - trackedBefore)
    // BCAST: a process that read nothing still gets every write under the prefix.
    const id = await bcastTarget.client('ID')
    let messages = 0
    await bcastTarget.subscribe('__redis__:invalidate')
    bcastTarget.on('messageBuffer', (_channel, keys) => {
      messages += Array.isArray(keys) ? keys.length : 1
    })
    await bcastData.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(id), 'BCAST', 'PREFIX', `${prefix}:`)
    const WRITES = 1000
    for (let i = 0; i < WRITES; i++) await store.set({ id: i }, { id: i, v: 2 })
    await bcastData.ping()
    await raw.ping()
    // Each set writes two keys under the prefix: the value and its store's index.
    const row = {
      keys: trackedAfter - trackedBefore,
      bytesPerTrackedKey: perKey,
      bcastWrites: WRITES,
      bcastInvalidationsToAnIdleProcess: messages,
    }
    log(
      `  i: server memory per tracked key ${perKey.toFixed(0)} B (${row.keys} keys tracked); BCAST: ${messages} invalidations for ${WRITES} writes to a process that read none`,
    )
    return row
  } finally {
    await client.close()
    raw.disconnect()
    bcastTarget.disconnect()
    bcastData.disconnect()
  }
}

/**
 * Hit ratio of the tier's eviction on a Zipf workload: LRU alone against CLOCK behind TinyLFU's
 * admission (what tier.ts does), same capacity, same access sequence.
 */
export function evictionHitRatio({ log }) {
  const UNIVERSE = 100_000
  const ACCESSES = 1_000_000
  const rows = []
  for (const s of [0.8, 1.0]) {
    const sequence = zipfSequence(UNIVERSE, s, ACCESSES, 42)
    for (const capacity of [1000, 10_000]) {
      const lru = lruHitRatio(sequence, capacity)
      const tiny = tierHitRatio(sequence, capacity)
      rows.push({ s, capacity, lru, tinyLfu: tiny })
      log(`  i: Zipf s=${s}, ${capacity} entries: LRU ${(lru * 100).toFixed(1)}%, CLOCK+TinyLFU ${(tiny * 100).toFixed(1)}%`)
    }
  }
  return rows
}

function lruHitRatio(sequence, capacity) {
  // Map order is recency order (a hit re-inserts); one iterator kept across evictions yields the
  // oldest live key each time (a fresh iterator per eviction would skip the deleted slots again).
  const map = new Map()
  let oldest = map.keys()
  let hits = 0
  for (const k of sequence) {
    if (map.has(k)) {
      hits++
      map.delete(k)
      map.set(k, true)
      continue
    }
    map.set(k, true)
    if (map.size > capacity) {
      let next = oldest.next()
      if (next.done) {
        oldest = map.keys()
        next = oldest.next()
      }
      map.delete(next.value)
    }
  }
  return hits / sequence.length
}

function tierHitRatio(sequence, capacity) {
  const tier = new LocalTier({ maxEntries: capacity, maxBytes: 2 ** 40, ttlMs: 1e12, shared: false })
  const node = { name: 'n', armed: true, epoch: 0 }
  const keep = { handout: 'shared', value: 1, frame: undefined, bytes: 8 }
  let hits = 0
  for (const k of sequence) {
    const key = `k${k}`
    if (tier.lookup(key, 0)) {
      hits++
      continue
    }
    tier.fill(key, tier.reserve(key, node), keep, 's', 1e12, 0)
  }
  return hits / sequence.length
}

function zipfSequence(n, s, count, seed) {
  const cdf = new Float64Array(n)
  let sum = 0
  for (let i = 0; i < n; i++) {
    sum += 1 / Math.pow(i + 1, s)
    cdf[i] = sum
  }
  let x = seed
  const random = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    return x / 2 ** 32
  }
  const out = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    const u = random() * sum
    let lo = 0,
      hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cdf[mid] < u) lo = mid + 1
      else hi = mid
    }
    // Scatter ranks over ids, so popularity is not key order.
    out[i] = Math.imul(lo + 1, 2654435761) >>> 0
  }
  return out
}

async function usedMemory(redis) {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1])
}

async function trackedKeys(redis) {
  return Number(/tracking_total_keys:(\d+)/.exec(await redis.info('stats'))?.[1] ?? 0)
}

async function start(name, url, prefix) {
  const proc = fork(child, [name, url, prefix], { execArgv: ['--import', register], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  await next(proc, 'ready')
  return proc
}

function next(proc, kind) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m.kind === kind) {
        proc.off('message', onMessage)
        proc.off('exit', onExit)
        resolve(m)
      }
    }
    const onExit = (code) => reject(new Error(`bench child exited (${code}) before '${kind}'`))
    proc.on('message', onMessage)
    proc.once('exit', onExit)
  })
}

function ask(proc, message, kind) {
  const reply = next(proc, kind)
  proc.send(message)
  return reply
}

async function stop(proc) {
  if (proc.exitCode !== null) return
  const exited = once(proc, 'exit')
  proc.send({ kind: 'exit' })
  await exited
}

export { summarize }
