// Freshness (issue 13): a hot key expiring under 100 parallel callers. Run:
// `npm run build && node bench/freshness.mjs`; writes bench/results/freshness.md (+ .json).
// Starts its own redis-server (test harness), never the one on 6379.
//
// (1) One process, 100 parallel loops reading one hot key back to back for ROUND_MS, TTL 1 s,
//     a fetcher that takes 50 ms: latency of every get (p50, p99, max) and p99 of the gets that
//     started around an expiry (from 50 ms before a value's fresh-until to 250 ms after it, each
//     fresh-until being when a fetch ended + the TTL), beside a key that never expires (the hit
//     latency) in the same rounds. Variants interleaved round by round.
// (2) 4 real processes × 100 parallel callers on one hot key for FLEET_MS (TTL 500 ms): fetches
//     per expiry across the fleet. The fetches' start times of all processes are grouped into
//     expiries: fetches of one expiry start together (every process sees it within a few ms),
//     while the next value can't expire before the fetch that made it ended, so a gap of more
//     than half the fetch time starts the next group. 1 means one fetch in the fleet per expiry.
import './support/register-ioredis.mjs'
import { fork } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { startStandalone } from './support/servers.mjs'
import { percentile, median } from './support/stats.mjs'

const maxOf = (values) => values.reduce((a, b) => (b > a ? b : a), -Infinity)

/** A pause of the event loop this long or longer counts as one (PAUSE_MS). */
const PAUSE_MS = 20

/** Whether a pause of the event loop covered at least PAUSE_MS of [from, to]. */
function paused(pauses, from, to) {
  for (let i = 0; i < pauses.length; i += 2) {
    if (Math.min(to, pauses.at(i + 1)) - Math.max(from, pauses.at(i)) >= PAUSE_MS) return true
  }
  return false
}

/** Numbers in a growing Float64Array: millions of samples without boxed arrays and their GC pauses. */
class Samples {
  length = 0
  #values = new Float64Array(1 << 16)
  push(value) {
    if (this.length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2)
      grown.set(this.#values)
      this.#values = grown
    }
    this.#values[this.length++] = value
  }
  at(i) {
    return this.#values[i]
  }
  values() {
    return this.#values.subarray(0, this.length)
  }
}
import { bookValue } from './support/value.mjs'
import { all, variants } from './scenarios/i-variants.mjs'

const ROUNDS = Number(process.env.FRESH_ROUNDS ?? 3)
const ROUND_MS = Number(process.env.FRESH_ROUND_MS ?? 3000)
const FLEET_MS = Number(process.env.FRESH_FLEET_MS ?? 5000)
const CALLERS = 100
const PROCESSES = 4
const FETCH_MS = 50
const FLEET_TTL_MS = 500
/** "Around an expiry": from 50 ms before a fresh-until to 250 ms after it. */
const WINDOW_MS = 300
const log = (line) => console.log(line)
const loadBefore = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')

// FRESH_RENDER=1: only write freshness.md again from freshness.json (no run).
const jsonFile = new URL('./results/freshness.json', import.meta.url)
const results = process.env.FRESH_RENDER ? JSON.parse(readFileSync(jsonFile, 'utf8')) : await run()
results.environment.loadAfter ??= loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')
render(results)

async function run() {
  const server = await startStandalone()
  const results = { environment: { date: new Date().toISOString(), node: process.version, loadBefore }, single: [], fleet: [] }
  try {
    // (1) one process
    const samples = new Map(
      all.map((v) => [v.name, { all: new Samples(), around: new Samples(), fetches: 0, expiries: 0, slow: 0, slowAway: 0, seconds: 0 }]),
    )
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of all) {
        const s = samples.get(variant.name)
        const ttl = variant === all[0] ? '1h' : '1s'
        const ends = []
        const fetch = async (id) => {
          await new Promise((resolve) => setTimeout(resolve, FETCH_MS))
          ends.push(performance.now())
          s.fetches++
          return bookValue(id)
        }
        const c = await variant.open({ url: server.url, prefix: `bench:fresh:${round}:${all.indexOf(variant)}`, ttl, fetch })
        await c.get(1)
        const calls = new Samples()
        // Pauses of the whole event loop (GC, a neighbour holding the cores): a 1 ms timer that
        // fires late. A get that is slow only because of one did not wait for a fetch.
        const pauses = new Samples()
        let tick = performance.now()
        const ticker = setInterval(() => {
          const now = performance.now()
          if (now - tick >= PAUSE_MS) {
            pauses.push(tick)
            pauses.push(now)
          }
          tick = now
        }, 1)
        const until = performance.now() + ROUND_MS
        await Promise.all(
          Array.from({ length: CALLERS }, async () => {
            while (performance.now() < until) {
              const start = performance.now()
              await c.get(1)
              calls.push(start)
              calls.push(performance.now() - start)
            }
          }),
        )
        clearInterval(ticker)
        await c.close()
        const expiries = ttl === '1h' ? [] : ends.map((end) => end + 1000)
        s.expiries += expiries.filter((e) => e < until).length
        s.seconds += ROUND_MS / 1000
        for (let i = 0; i < calls.length; i += 2) {
          const started = calls.at(i)
          const latency = calls.at(i + 1)
          s.all.push(latency)
          if (expiries.some((e) => started >= e - 50 && started <= e + WINDOW_MS - 50)) {
            s.around.push(latency)
            if (latency >= FETCH_MS / 2 && !paused(pauses, started, started + latency)) s.slow++
          } else if (latency >= FETCH_MS / 2 && !paused(pauses, started, started + latency)) s.slowAway++
        }
        log(`  (1) round ${round + 1}: ${variant.name}: ${calls.length / 2} gets`)
      }
    }
    for (const [name, s] of samples) {
      const every = s.all.values()
      const around = s.around.values()
      results.single.push({
        variant: name,
        gets: s.all.length,
        fetches: s.fetches,
        p50: percentile(every, 50),
        p99: percentile(every, 99),
        max: maxOf(every),
        expiries: s.expiries,
        slowPerExpiry: s.expiries ? s.slow / s.expiries : NaN,
        slowAwayPerSecond: s.slowAway / s.seconds,
        aroundGets: s.around.length,
        aroundP99: percentile(around, 99),
        aroundMax: s.around.length ? maxOf(around) : NaN,
      })
    }

    // (2) the fleet
    for (const variant of variants) {
      const prefix = `bench:fleet:${variants.indexOf(variant)}`
      const children = await Promise.all(Array.from({ length: PROCESSES }, () => start(variant.name, server.url, prefix)))
      const replies = children.map(nextMessage)
      for (const c of children) c.send({ kind: 'run' })
      const answers = await Promise.all(replies)
      await Promise.all(children.map(stop))
      const starts = answers.flatMap((a) => a.fetchStarts).sort((a, b) => a - b)
      const counts = []
      for (let i = 0; i < starts.length; i++) {
        if (i === 0 || starts[i] - starts[i - 1] > FETCH_MS / 2) counts.push(0)
        counts[counts.length - 1]++
      }
      const latencies = answers.flatMap((a) => a.latencies)
      results.fleet.push({
        variant: variant.name,
        expiries: counts.length,
        fetches: counts.reduce((a, b) => a + b, 0),
        perExpiryMedian: counts.length ? median(counts) : NaN,
        perExpiryMax: counts.length ? Math.max(...counts) : NaN,
        p99: percentile(latencies, 99),
        max: maxOf(latencies),
      })
      log(`  (2) ${variant.name}: fetches per expiry ${counts.join(', ')}`)
    }
  } finally {
    await server.stop()
  }
  return results
}

function render(results) {
  const ms = (v) => (Number.isFinite(v) ? v.toFixed(2) : '–')
  const hit = results.single[0]
  const lines = [
    '# Freshness: a hot key expiring under load',
    '',
    `Written by \`node bench/freshness.mjs\` (issue 13) on ${results.environment.date}; load average before ${results.environment.loadBefore}, after ${results.environment.loadAfter}; ${results.environment.node}; 2 shared cores.`,
    'Standalone redis-server started by the run; Redis only (no memory tier) for every variant.',
    '',
    `## 1. One process, ${CALLERS} parallel callers, TTL 1 s, fetch ${FETCH_MS} ms`,
    '',
    `${ROUNDS} rounds × ${ROUND_MS / 1000} s per variant, interleaved. "Around expiry": gets that started from 50 ms before a value's fresh-until to 250 ms after it.`,
    `The first row is the hit latency: the same load on a key that never expires.`,
    '',
    `"Slow gets per expiry": gets around an expiry that took at least ${FETCH_MS / 2} ms (half the fetch), per expiry: the callers that waited for the fetch (100 when every caller did). A get is not counted when a pause of the whole event loop (a 1 ms timer firing ${PAUSE_MS} ms or more late: GC, or a neighbour holding the shared cores, which makes every caller slow at once) covered ${PAUSE_MS} ms of it.`,
    `"Slow gets per s elsewhere": the same count away from any expiry, per second: what is left of the machine's noise; "noise per expiry" is that rate over one window (${WINDOW_MS} ms), what the slow gets per expiry would be if no caller waited for a fetch.`,
    '',
    '| variant | gets | fetches | p50 ms | p99 ms | max ms | gets around expiry | p99 around expiry ms | × hit p99 | max around expiry ms | slow gets per expiry | noise per expiry | slow gets per s elsewhere |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.single.map(
      (r) =>
        `| ${r.variant} | ${r.gets} | ${r.fetches} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.aroundGets} | ${ms(r.aroundP99)} | ${r === hit ? '' : ms(r.aroundP99 / hit.p99)} | ${ms(r.aroundMax)} | ${r === hit ? '' : ms(r.slowPerExpiry)} | ${r === hit ? '' : ms((r.slowAwayPerSecond * WINDOW_MS) / 1000)} | ${ms(r.slowAwayPerSecond)} |`,
    ),
    '',
    `## 2. ${PROCESSES} processes × ${CALLERS} parallel callers, TTL 500 ms, fetch ${FETCH_MS} ms, ${FLEET_MS / 1000} s`,
    '',
    "Fetches per expiry: the start times of every process's fetches, grouped into expiries (fetches of one expiry start together; a gap of more than half the fetch time starts the next, since a value cannot expire before the fetch that made it ended). The first fills, before the run, are not counted. Goal: 1.",
    '',
    '| variant | expiries | fetches | fetches per expiry (median) | (max) | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...results.fleet.map(
      (r) => `| ${r.variant} | ${r.expiries} | ${r.fetches} | ${r.perExpiryMedian} | ${r.perExpiryMax} | ${ms(r.p99)} | ${ms(r.max)} |`,
    ),
    '',
  ]
  const markdown = lines.join('\n')
  writeFileSync(new URL('./results/freshness.md', import.meta.url), markdown)
  writeFileSync(jsonFile, JSON.stringify(results, null, 2))
  console.log('\n' + markdown)
}

function start(name, url, prefix) {
  const c = fork(
    new URL('./scenarios/i-child.mjs', import.meta.url),
    [name, url, prefix, String(CALLERS), String(FLEET_MS), `${FLEET_TTL_MS}ms`, String(FETCH_MS)],
    {
      execArgv: ['--import', new URL('./support/register-ioredis.mjs', import.meta.url).href],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  return nextMessage(c).then(() => c)
}

function nextMessage(c) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`bench (freshness): child exited with code ${code}`))
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
