import { isDeepStrictEqual } from 'node:util'
import { cached, createClient } from 'cacheme'
import { cacheme } from '../contestants.mjs'
import { commandCounter } from '../support/command-count.mjs'
import { Redis } from '../support/ioredis.mjs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { profileDuring } from '../support/cpu-profile.mjs'
import { timeShares, topSelfTime } from '../support/profile-summary.mjs'
import { median, summarize } from '../support/stats.mjs'
import { bookValue } from '../support/value.mjs'

export const WARM_BATCH = 20
const KEYS = 2000
const CALLS_PER_ROUND = 2000
export const MGET_JSON = 'MGET + JSON.parse'

/** The baseline: the same records stored as JSON text, read with one MGET and JSON.parse of each. */
async function openMgetJson(url, prefix) {
  const redis = new Redis(url)
  const keyOf = (id) => `${prefix}:${id}`
  const pipeline = redis.pipeline()
  for (let id = 0; id < KEYS; id++) pipeline.set(keyOf(id), JSON.stringify(bookValue(id)), 'EX', 3600)
  await pipeline.exec()
  return {
    async getMany(ids) {
      const texts = await redis.mget(ids.map(keyOf))
      const values = new Array(texts.length)
      for (let i = 0; i < texts.length; i++) {
        if (texts[i] === null) throw new Error(`bench (warm getMany): ${keyOf(ids[i])} is missing`)
        values[i] = JSON.parse(texts[i])
      }
      return values
    },
    close: () => redis.quit(),
  }
}

/**
 * Issue 12's warm batch: this process's CPU (process.cpuUsage, user + system) per getMany of
 * WARM_BATCH warm keys, cacheme with its default codec against MGET + JSON.parse of the same
 * records stored as JSON. One batch at a time (nothing else runs in the process), rounds
 * interleaved, a collection before each. Standalone (an MGET of keys in many slots needs one
 * node). Also checks that the default codec still round-trips the types JSON can't carry.
 */
export async function warmGetMany({ url, server, rounds, log }) {
  const entries = []
  const counter = await commandCounter([server])
  const cm = await cacheme.open({ url, prefix: 'bench:warm:cm', ttlSeconds: 3600, fetch: async (id) => bookValue(id) })
  for (let from = 0; from < KEYS; from += WARM_BATCH) await cm.getMany(batchOf(from)) // fill
  entries.push({ name: 'cacheme', c: cm, cpu: [], ms: [], commands: [] })
  entries.push({ name: MGET_JSON, c: await openMgetJson(url, 'bench:warm:json'), cpu: [], ms: [], commands: [] })
  for (const e of entries)
    for (let i = 0; i < 500; i++) check(e, await e.c.getMany(batchOf((i * WARM_BATCH) % KEYS)), (i * WARM_BATCH) % KEYS) // warm
  for (let r = 0; r < rounds; r++) {
    for (const e of r % 2 ? [...entries].reverse() : entries) {
      globalThis.gc?.()
      const commandsBefore = await counter.total()
      const cpu = process.cpuUsage()
      const t0 = performance.now()
      for (let i = 0; i < CALLS_PER_ROUND; i++) {
        const from = (i * WARM_BATCH) % KEYS
        const values = await e.c.getMany(batchOf(from))
        if (i % 100 === 0) check(e, values, from)
      }
      const elapsed = performance.now() - t0
      const used = process.cpuUsage(cpu)
      e.cpu.push((used.user + used.system) / CALLS_PER_ROUND)
      e.ms.push(elapsed / CALLS_PER_ROUND)
      e.commands.push(((await counter.total()) - commandsBefore) / CALLS_PER_ROUND)
    }
    log(`  warm getMany(${WARM_BATCH}): round ${r + 1}/${rounds} done`)
  }
  const pairedRatios = entries[0].cpu.map((c, i) => c / entries[1].cpu[i])
  // Over the goal: where the CPU goes on the same loop (V8 sampling profile), cacheme and the
  // baseline alike, so the two can be set side by side.
  let profile
  if (median(pairedRatios) > 1.1) {
    profile = {}
    for (const e of entries) {
      const path = join(tmpdir(), `cacheme-bench-warm-${e.name === 'cacheme' ? 'cacheme' : 'baseline'}-${process.pid}.cpuprofile`)
      await profileDuring(path, async () => {
        for (let i = 0; i < CALLS_PER_ROUND; i++) await e.c.getMany(batchOf((i * WARM_BATCH) % KEYS))
      })
      profile[e.name] = { path, top: topSelfTime(path, 15), shares: timeShares(path) }
    }
  }
  for (const e of entries) await e.c.close()
  await counter.close()
  const roundTrip = await codecRoundTrip(url)
  return {
    rows: entries.map((e) => ({
      contestant: e.name,
      baseline: e.name === MGET_JSON,
      cpuUsPerBatch: summarize(e.cpu),
      msPerBatch: summarize(e.ms),
      commandsPerBatch: median(e.commands),
    })),
    // Per round, cacheme's CPU ÷ the baseline's in the same round: the pairing cancels slow phases of the machine.
    pairedRatios,
    profile,
    roundTrip,
  }
}

function batchOf(from) {
  return Array.from({ length: WARM_BATCH }, (_, i) => from + i)
}

function check(e, values, from) {
  if (values.length !== WARM_BATCH || values.some((v, i) => v?.id !== from + i))
    throw new Error(`bench (warm getMany): ${e.name} read wrong values`)
}

/** A value of every type the default codec promises, written and read back through Redis. */
async function codecRoundTrip(url) {
  const value = {
    date: new Date('2024-05-06T07:08:09.010Z'),
    map: new Map([
      ['a', 1],
      [2, { b: new Set([3]) }],
    ]),
    set: new Set(['x', 1n]),
    big: 12345678901234567890n,
    undef: undefined,
    typed: new Float64Array([1.5, -0, NaN]),
    bytes: Buffer.from([0, 1, 254, 255]),
    nested: [new Map([[{ k: 1 }, new Date(0)]]), -0, Infinity],
  }
  const client = createClient({ redis: url })
  try {
    const store = cached('bench:warm:types:<<id>>', () => value, { ttl: 60, client })
    await store.get({ id: 1 }) // a miss: fetched and written
    const read = await store.get({ id: 1 }) // a hit: decoded from Redis
    const types = Object.keys(value)
    const failed = types.filter((k) => !isDeepStrictEqual(read[k], value[k]) || !(k in read))
    return { types, failed }
  } finally {
    await client.close()
  }
}
