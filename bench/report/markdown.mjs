import { resultsChart } from './svg.mjs'
import { scenarioTables } from './tables.mjs'

const TITLES = {
  a: '(a) the cacheme-go benchmark: 10 keys looped by 100 parallel callers, all hits, TTL 10 s, singleflight on',
  b: '(b) hits on 100,000 distinct keys, 100 parallel callers: ops/s and p99 latency',
  lone: 'A lone get: one caller, one get at a time (nothing to batch with)',
  c: '(c) cold stampede: 4 processes × 250 concurrent callers on one cold key, 100 ms fetcher',
  d: '(d) getMany of 100 keys on standalone and on a 3-master cluster',
  e: '(e) an inline `cached(...).get()` call site: untransformed, transformed, hand-written module-level store',
  f: '(f) memory: heap per pending get (10,000 of them) and per store (1,000 of them)',
}

const NOTES = {
  a: 'Every contestant reads through its own API with its own key prefix; "fetches while measured" counts fetcher calls during the timed rounds (TTL 10 s: keys expire and are fetched again now and then).',
  b: 'Each call reads the next of 100,000 pre-filled keys, so no two concurrent calls share a key: batching, not singleflight, is what helps here.',
  lone: 'Shows that batching adds no wait when there is nothing to batch: cacheme flushes on process.nextTick, never on a timer (a timer-based batch window would add at least 1 ms, setTimeout\'s minimum). What separates the contestants from raw ioredis here is a few µs of their own work per call. Latency of every call.',
  c: 'Each process is a real child process with its own connection; the key is new every round. Raw ioredis is plain cache-aside (GET, on a miss fetch + SET): every caller fetches.',
  d: 'Round trips are counted by a TCP proxy in front of every node (commands written before a reply arrives count as one round trip); Redis commands by INFO commandstats. Peers without a batch API read with Promise.all of get().',
  e: 'Sequential awaited gets of cached values on the embedded memory backend, so the call site\'s own cost is what differs. The untransformed inline call builds a store per call; the transform hoists it.',
  f: 'Each measurement of each contestant runs in a fresh process with --expose-gc; heap growth after a full GC while the gets wait on a held-open fetcher, divided by the number of gets. "Store": the library\'s unit of cache definition (cacheme `cached()`, bentocache namespace, cache-manager `createCache`, async-cache-dedupe `define`).',
}

/** bench/results/latest.md and latest.svg of one run. */
export function writeReport({ results, goals, profiles, environment, transformBench }) {
  const tables = scenarioTables(results)
  const lines = []
  lines.push('# cacheme benchmark: latest results', '')
  lines.push(`Run ${environment.date} on ${environment.cpu}, Node ${environment.node}, ${environment.redis.split(' ').slice(0, 3).join(' ')}.`)
  lines.push(`Medians of ${environment.rounds} rounds (${environment.roundMs} ms each for throughput) after a warm-up; spread = ± half the min–max range. Load average before / after: ${environment.loadBefore} / ${environment.loadAfter} (the machine is shared: read ratios, not absolute numbers). Whole run: ${environment.seconds} s.`)
  lines.push('', 'How to run and read this: [bench/README.md](../README.md). Chart: [latest.svg](latest.svg).', '')
  lines.push('![ratios to raw ioredis](latest.svg)', '')
  lines.push('## Goals', '')
  lines.push('| goal | target | result | |', '|---|---|---|---|')
  for (const g of goals) lines.push(`| (${g.id}) | ${g.goal} | ${g.detail} | ${g.met === null ? 'pending' : g.met ? 'met' : '**missed**'} |`)
  lines.push('')
  for (const id of ['a', 'b', 'lone', 'c', 'd', 'e', 'f']) {
    if (!tables[id]) continue
    lines.push(`## ${TITLES[id]}`, '', NOTES[id], '', tables[id], '')
    const missed = goals.find((g) => g.id === id && g.met === false)
    if (missed && id === 'a') lines.push(roundTripNote(results.a, profiles.a), '')
    if (profiles[id]) lines.push(...profileSection(id, profiles[id]))
  }
  if (results.e?.transformedCode) {
    lines.push('<details><summary>(e) the transformed module</summary>', '', '```js', results.e.transformedCode.trim(), '```', '', '</details>', '')
  }
  if (transformBench) {
    lines.push('## Compiler throughput (bench/transform/run.mjs)', '')
    lines.push(`Details: [transform.md](transform.md). Exit status ${transformBench.status}.`, '', '```', transformBench.output, '```', '')
  }
  return { markdown: lines.join('\n'), svg: resultsChart(results) }
}

const pct = (n) => `${n.toFixed(0)}%`

/** Why (a) can miss "≥ 2× every peer": what the round-trip columns and the profile say. */
function roundTripNote(rows, profile) {
  const cacheme = rows.find((r) => r.contestant === 'cacheme')
  const peers = rows.filter((r) => !r.baseline && r.contestant !== 'cacheme')
  const closest = peers.reduce((best, r) => (r.opsPerSec.median > best.opsPerSec.median ? r : best), peers[0])
  return `**Goal (a) against ${closest.contestant}:** both serve ${cacheme.getsPerRoundTrip.toFixed(0)} gets per Redis round trip ` +
    `(${closest.getsPerRoundTrip.toFixed(0)} for ${closest.contestant}): with 100 callers each waiting for its value, no contestant can put more than ` +
    `100 gets in one round trip, so both run at the speed of one round trip per 100 gets. cacheme sends 1 MGET per round trip ` +
    `(${cacheme.commandsPerGet.toFixed(3)} commands per get) where ${closest.contestant} sends ${(closest.commandsPerGet * closest.getsPerRoundTrip).toFixed(0)} GETs, ` +
    `and ends up ${(cacheme.opsPerSec.median / closest.opsPerSec.median).toFixed(2)}× as fast, not 2×, because what is left is the round trip itself` +
    (profile ? `: the profile shows cacheme's own code at ${pct(profile.shares.cacheme)} of the time, against ${pct(profile.shares.idle)} waiting for Redis and ${pct(profile.shares.socketWrites)} in socket writes.` : '.')
}

function profileSection(id, profile) {
  const rows = profile.top.map((r) => `| ${r.pct.toFixed(1)}% | \`${r.name}\` | ${r.where || ''} |`)
  return [
    `### Where cacheme's time goes in (${id}) — CPU profile (V8 sampling, as \`node --cpu-prof\`)`,
    '',
    `cacheme alone on the same pattern for 2 s (${Math.round(profile.opsPerSec).toLocaleString('en-US')} ops/s while profiled). ` +
      `Time shares: waiting for Redis (idle) ${pct(profile.shares.idle)}, socket writes ${pct(profile.shares.socketWrites)}, ` +
      `garbage collection ${pct(profile.shares.gc)}, cacheme's own code ${pct(profile.shares.cacheme)}, ` +
      `the rest (ioredis, msgpackr, promise machinery, the benchmark loop) ${pct(profile.shares.other)}. Top self time:`,
    '',
    '| self | function | where |',
    '|---|---|---|',
    ...rows,
    '',
  ]
}
