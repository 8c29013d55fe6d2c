// `npm run bench`: every scenario of issue 6 in one run, against raw ioredis and the peers.
// Starts its own redis-server and 3-master cluster (test/harness), never the one on 6379.
// Run with --expose-gc (npm run bench does): every measured round then starts from a collected heap.
//   BENCH_ONLY=a,b,d   run some parts only (a–f, lone, cold, warm, fresh, transform)      BENCH_ROUNDS=11   rounds per scenario
//   BENCH_CONTESTANTS=cacheme,bento   some contestants only (raw ioredis always runs)
import './support/register-ioredis.mjs'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { benchEnvironment } from './support/environment.mjs'
import { startCluster, startStandalone } from './support/servers.mjs'

const { contestants: all, cachemeNoSingleflight } = await import('./contestants.mjs')
const pick = process.env.BENCH_CONTESTANTS?.split(',')
// Ratios need the raw ioredis baseline, so it always runs.
const contestants = pick ? all.filter((c) => c.name === 'ioredis GET+decode' || pick.some((p) => c.name.includes(p))) : all
const { hotKeys, hotKeysStaggered, HOT_KEYS } = await import('./scenarios/a-hot-keys.mjs')
const { distinctKeys, DISTINCT, DISTINCT_KEYS } = await import('./scenarios/b-distinct-keys.mjs')
const { loneGet } = await import('./scenarios/lone-get.mjs')
const { stampede } = await import('./scenarios/c-stampede.mjs')
const { getMany } = await import('./scenarios/d-get-many.mjs')
const { callSite } = await import('./scenarios/e-call-site.mjs')
const { memory } = await import('./scenarios/f-memory.mjs')
const { coldPass } = await import('./scenarios/g-cold-pass.mjs')
const { warmGetMany } = await import('./scenarios/h-warm-get-many.mjs')
const { evaluateGoals } = await import('./report/goals.mjs')
const { writeReport } = await import('./report/markdown.mjs')
const { profileThroughput } = await import('./support/profile-run.mjs')

const only = new Set((process.env.BENCH_ONLY ?? 'a,b,lone,c,d,cold,warm,e,f,fresh,transform').split(','))
// Issue 9's dedupe cost: (a) also runs cacheme with singleflight off, in the same rounds.
const hotContestants = contestants.some((c) => c.name === 'cacheme') ? [...contestants, cachemeNoSingleflight] : contestants
const rounds = Number(process.env.BENCH_ROUNDS ?? 11)
const roundMs = Number(process.env.BENCH_ROUND_MS ?? 600)
const log = (line) => console.log(line)
const started = Date.now()
const environment = benchEnvironment({ rounds, roundMs })

const standalone = await startStandalone()
let cluster
const results = {}
const profiles = {}
try {
  log(`redis-server at ${standalone.url}; rounds: ${rounds} × ${roundMs} ms`)
  if (only.has('a')) {
    log('(a) 10 hot keys')
    results.a = await hotKeys({ contestants: hotContestants, url: standalone.url, server: standalone, rounds, roundMs, log })
  }
  if (only.has('a') && hotContestants !== contestants) {
    log('(a) 10 hot keys, callers staggered over event-loop turns: raw ioredis, cacheme with singleflight on and off')
    results.aStaggered = await hotKeysStaggered({
      contestants: hotContestants.filter((c) => c.baseline || c.name.startsWith('cacheme')),
      url: standalone.url,
      server: standalone,
      rounds,
      roundMs,
      log,
    })
  }
  if (only.has('b')) {
    log(`(b) ${DISTINCT_KEYS} distinct keys`)
    results.b = await distinctKeys({ contestants, url: standalone.url, server: standalone, rounds, roundMs, log })
  }
  if (only.has('lone')) {
    log('lone get (one caller)')
    results.lone = await loneGet({ contestants, url: standalone.url, server: standalone, rounds, roundMs: roundMs / 2, log })
  }
  if (only.has('c')) {
    log('(c) cold stampede, 4 processes × 250 callers')
    results.c = await stampede({ contestants, url: standalone.url, rounds: Math.min(rounds, 3), log })
  }
  if (only.has('d') || only.has('cold')) cluster = await startCluster()
  if (only.has('d')) {
    log('(d) getMany of 100 keys')
    results.d = await getMany({ contestants, standalone, cluster, rounds, log })
  }
  if (only.has('cold')) {
    log('cold pass: hand-rolled cache-aside vs cacheme, standalone and cluster')
    results.cold = await coldPass({ standalone, cluster, rounds: Math.min(rounds, 5), log })
  }
  if (only.has('warm')) {
    log('warm getMany(20): client CPU vs MGET + JSON.parse')
    results.warm = await warmGetMany({ url: standalone.url, server: standalone, rounds, log })
  }
  if (only.has('e')) {
    log('(e) inline call site')
    results.e = await callSite({ rounds: Math.max(rounds, 7), log })
  }
  if (only.has('f')) {
    log('(f) memory')
    results.f = await memory({ contestants, url: standalone.url, log })
  }

  const previous = JSON.parse(readFileSync(new URL('./results/previous.json', import.meta.url), 'utf8'))
  const goals = evaluateGoals(results, previous)
  // Where a throughput goal is missed, show where cacheme's time goes, on that scenario's pattern.
  const patterns = { a: HOT_KEYS, b: DISTINCT }
  for (const goal of goals.filter((g) => g.met === false && patterns[g.id])) {
    log(`profiling cacheme on (${goal.id})`)
    profiles[goal.id] = await profileThroughput({ url: standalone.url, ...patterns[goal.id] })
  }
  environment.loadAfter = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
  environment.seconds = Math.round((Date.now() - started) / 1000)

  const transformBench = runTransformBench()
  runFreshnessBench()
  const outDir = new URL('./results/', import.meta.url)
  mkdirSync(outDir, { recursive: true })
  const { markdown, svg } = writeReport({ results, goals, profiles, environment, transformBench, previous })
  writeFileSync(new URL('latest.md', outDir), markdown)
  writeFileSync(new URL('latest.svg', outDir), svg)
  writeFileSync(new URL('latest.json', outDir), JSON.stringify({ environment, goals, results, profiles, transformBench }, null, 2))
  console.log('\n' + markdown)
  console.log(`wrote bench/results/latest.md, latest.svg, latest.json in ${environment.seconds} s`)
} finally {
  await standalone.stop()
  await cluster?.stop()
}

/** Freshness (issue 13, bench/freshness.mjs): its own servers and processes; it writes bench/results/freshness.md. */
function runFreshnessBench() {
  if (!only.has('fresh')) return
  log('freshness: a hot key expiring under 100 parallel callers (bench/freshness.mjs)')
  const run = spawnSync(process.execPath, [new URL('./freshness.mjs', import.meta.url).pathname], { stdio: 'inherit', timeout: 600_000 })
  if (run.status !== 0) log(`freshness bench ended with ${run.status ?? run.signal}; run \`node bench/freshness.mjs\` alone`)
}

/** The compiler's own benchmark (bench/transform/run.mjs): its output goes into the report. */
function runTransformBench() {
  const script = new URL('./transform/run.mjs', import.meta.url)
  if (!only.has('transform')) return undefined
  log('transform throughput (bench/transform/run.mjs)')
  const timeoutMs = 180_000
  const run = spawnSync(process.execPath, [script.pathname], { encoding: 'utf8', timeout: timeoutMs })
  // Killed by the timeout (a loaded machine): say so, rather than an empty block and "status null".
  const note =
    run.status === null
      ? `\n(stopped after ${timeoutMs / 1000} s by ${run.signal}: the compiler benchmark did not finish; run \`node bench/transform/run.mjs\` alone)`
      : ''
  return { status: run.status ?? run.signal, output: (run.stdout + (run.status === 0 ? '' : run.stderr)).trim() + note }
}
