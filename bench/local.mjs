// `npm run bench:local`: the local tier (issue 15) against the coherent two-tier peers, alone
// (not part of `npm run bench`, whose contestants read Redis only). Starts its own redis-server
// (test/harness), never the one on 6379. Writes bench/results/local.md and local.json.
//   BENCH_ROUNDS=7   rounds of the throughput part       BENCH_ROUND_MS=600   length of a round
import './support/register-ioredis.mjs'
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { benchEnvironment } from './support/environment.mjs'
import { startStandalone } from './support/servers.mjs'

const { contestants, localContestants, cacheme } = await import('./contestants.mjs')
const { localHotKeys, staleness, localFootprint, serverCost, evictionHitRatio, READERS, WRITES } = await import('./scenarios/i-local.mjs')

const rounds = Number(process.env.BENCH_ROUNDS ?? 7)
const roundMs = Number(process.env.BENCH_ROUND_MS ?? 600)
const log = (line) => console.log(line)
const environment = benchEnvironment({ rounds, roundMs })
const baseline = contestants.find((c) => c.baseline)
const server = await startStandalone()
const results = {}
try {
  log('(i) eviction: hit ratio on Zipf')
  results.eviction = evictionHitRatio({ log })
  log('(i) 10 hot keys, 100 loops, with local tiers')
  results.hot = await localHotKeys({ contestants: [baseline, cacheme, ...localContestants], url: server.url, server, rounds, roundMs, log })
  log('(i) local hit latency and heap per entry')
  results.footprint = await localFootprint({ contestants: localContestants, url: server.url, log })
  log(`(i) staleness after a write by another process (${READERS} readers, ${WRITES} writes)`)
  results.staleness = [
    ...(await staleness({ contestants: localContestants, url: server.url, log, pace: 'spin' })),
    ...(await staleness({ contestants: localContestants, url: server.url, log, pace: 'paced' })),
  ]
  log('(i) server cost of tracking')
  results.server = await serverCost({ server, log })
} finally {
  await server.stop()
}
environment.loadAfter = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')
writeFileSync(new URL('./results/local.json', import.meta.url), JSON.stringify({ environment, results }, null, 2))
writeFileSync(new URL('./results/local.md', import.meta.url), report(environment, results))
console.log(report(environment, results))

function report(env, r) {
  const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '—')
  const peers = r.hot.filter((row) => row.contestant.startsWith('node-redis') || row.contestant.startsWith('bentocache'))
  const bestPeer = Math.max(...peers.map((row) => row.opsPerSec.median))
  const ops = (name) => r.hot.find((row) => row.contestant === name)?.opsPerSec.median ?? NaN
  const lines = [
    '# The local tier (issue 15)',
    '',
    `Measured ${env.date} by \`npm run bench:local\` (bench/local.mjs, bench/scenarios/i-local.mjs): ${env.cpu}, Node ${env.node}, ${env.redis.split(' ').slice(0, 3).join(' ')}; load average ${env.loadBefore} before, ${env.loadAfter} after (a shared machine: absolute numbers move, ratios within one run less).`,
    '',
    '## (i) the cacheme-go workload: 10 hot keys, 100 loops',
    '',
    `Median of ${env.rounds} rounds × ${env.roundMs} ms, interleaved. Goals: \`local: true\` ≥ 2× the best coherent two-tier peer, \`local: { shared: true }\` ≥ 10×.`,
    '',
    '| contestant | ops/s | ± | p99 ms | Redis commands per get | vs best peer |',
    '|---|---:|---:|---:|---:|---:|',
    ...r.hot.map(
      (row) =>
        `| ${row.contestant} | ${fmt(row.opsPerSec.median)} | ${fmt(row.opsPerSec.spreadPct)}% | ${fmt(row.p99Ms.median, 3)} | ${fmt(row.commandsPerGet, 3)} | ${fmt(row.opsPerSec.median / bestPeer, 2)}× |`,
    ),
    '',
    `- \`local: true\`: ${fmt(ops('cacheme local') / bestPeer, 2)}× the best peer (goal 2×): ${ops('cacheme local') / bestPeer >= 2 ? 'met' : 'missed'}.`,
    `- \`local: { shared: true }\`: ${fmt(ops('cacheme local shared') / bestPeer, 2)}× (goal 10×): ${ops('cacheme local shared') / bestPeer >= 10 ? 'met' : 'missed'}.`,
    '',
    '## Local hit latency and heap per entry',
    '',
    'One caller, sequential awaited gets of one key (latency); then 20,000 distinct ~190-byte records kept locally (heap + array buffers, after a GC, per entry).',
    '',
    '| contestant | hit p50 µs | hit p99 µs | bytes per entry |',
    '|---|---:|---:|---:|',
    ...r.footprint.map((row) => `| ${row.contestant} | ${fmt(row.p50Us, 2)} | ${fmt(row.p99Us, 2)} | ${fmt(row.bytesPerEntry)} |`),
    '',
    'The copy: `local: true` decodes the kept bytes for every get (a fresh value the caller may mutate); `shared: true` hands out the one decoded instance. The difference of their hit latency is the cost of the copy.',
    '',
    '## Staleness after a write by another process',
    '',
    `${READERS} reader processes get the record over and over; a writer process writes it through the same library ${WRITES} times. Per reader and write: the time from the write resolving in the writer to the reader first serving the new value (negative: before the writer saw its reply). Readers *spinning*: one event-loop turn between gets, so each reader is a process at 100 % CPU: ${READERS} of them, the writer and redis-server share this machine's ${cpus().length} cores, and a reader waits for the scheduler's next time slice (milliseconds) as often as for the invalidation. Readers *paced*: a 1 ms timer between gets (a service with CPU to spare), so a sample includes up to about 1 ms until the reader's next get. Goal for cacheme: max ≤ 5 ms on loopback, 0 readers staying stale.`,
    '',
    '| readers | contestant | p50 ms | p99 ms | max ms | samples | stayed stale (> 2 s) |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...r.staleness.map(
      (row) =>
        `| ${row.pace === 'paced' ? 'paced (1 ms)' : 'spinning'} | ${row.contestant} | ${fmt(row.p50Ms, 2)} | ${fmt(row.p99Ms, 2)} | ${fmt(row.maxMs, 2)} | ${row.samples} | ${row.stayedStale} |`,
    ),
    '',
    '## What tracking costs the server',
    '',
    `Default mode (the one cacheme uses): the server remembers, per key, which connections read it: ${fmt(r.server.bytesPerTrackedKey)} bytes of server memory per tracked key (${fmt(r.server.keys)} keys read by one process; \`used_memory\` delta over \`tracking_total_keys\`). Each process is told only of keys it read. The table is capped by \`tracking-table-max-keys\` (default 1,000,000 keys); past it the server invalidates keys at random, which costs local hits, never correctness.`,
    '',
    `BCAST PREFIX mode keeps nothing per key, but every write under the prefix goes to every process: a process that had read none of the keys got ${fmt(r.server.bcastInvalidationsToAnIdleProcess)} invalidations for ${fmt(r.server.bcastWrites)} \`set\`s (each writes the value and its store's index). With N processes each write costs N messages, and each process spends CPU on keys it never kept. Chosen: default mode, whose cost is bounded and paid only for keys that are read.`,
    '',
    '## Eviction: hit ratio on a Zipf workload',
    '',
    '1,000,000 accesses over 100,000 keys, Zipf exponent s; the same sequence for both. LRU alone against what the tier does (packages/cacheme/src/local/frequency.ts, tier.ts): CLOCK (second chance: an LRU approximation whose hit costs one flag write instead of a reorder) behind a TinyLFU admission (a count-min sketch of recent frequency; a newcomer is kept past the bounds only if asked for more often than the entry it would evict).',
    '',
    '| s | entries | LRU hit ratio | CLOCK + TinyLFU hit ratio (the tier) |',
    '|---:|---:|---:|---:|',
    ...r.eviction.map((row) => `| ${row.s} | ${fmt(row.capacity)} | ${fmt(row.lru * 100, 1)}% | ${fmt(row.tinyLfu * 100, 1)}% |`),
    '',
    // What the numbers mean (written for the run of the date above; check it still holds).
    readFileSync(new URL('./results/local-notes.md', import.meta.url), 'utf8').trim(),
    '',
  ]
  return lines.join('\n')
}
