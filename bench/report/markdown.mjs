import { resultsChart } from './svg.mjs'
import { comparisonTable, scenarioTables } from './tables.mjs'

const TITLES = {
  a: '(a) the cacheme-go benchmark: 10 keys looped by 100 parallel callers, all hits, TTL 10 s, singleflight on',
  b: '(b) hits on 100,000 distinct keys, 100 parallel callers: ops/s and p99 latency',
  lone: 'A lone get: one caller, one get at a time (nothing to batch with)',
  c: '(c) cold stampede: 4 processes × 250 concurrent callers on one cold key, 100 ms fetcher',
  d: '(d) getMany of 100 keys on standalone and on a 3-master cluster',
  e: '(e) an inline `cached(...).get()` call site: untransformed, transformed, hand-written module-level store',
  f: '(f) memory: heap per pending get (10,000 of them) and per store (1,000 of them)',
  dedupe: 'Dedupe cost (issue 9): (a) with singleflight on and off, same rounds',
  compare: 'Hot keys (a) and distinct keys (b) against the previous results',
  cold: 'Cold pass (issue 12): 2,000 cold keys one get at a time, hand-rolled cache-aside vs cacheme, 1 ms fetcher',
  warm: 'Warm getMany(20) (issue 12): client CPU per batch against MGET + JSON.parse',
}

const NOTES = {
  a: 'Every contestant reads through its own API with its own key prefix; "fetches while measured" counts fetcher calls during the timed rounds (TTL 10 s: keys expire and are fetched again now and then).',
  b: 'Each call reads the next of 100,000 pre-filled keys, so no two concurrent calls share a key: batching, not singleflight, is what helps here.',
  lone: "Shows that batching adds no wait when there is nothing to batch: cacheme flushes on process.nextTick, never on a timer (a timer-based batch window would add at least 1 ms, setTimeout's minimum). What separates the contestants from raw ioredis here is a few µs of their own work per call. Latency of every call.",
  c: 'Each process is a real child process with its own connection; the key is new every round. Raw ioredis is plain cache-aside (GET, on a miss fetch + SET): every caller fetches.',
  d: 'Round trips are counted by a TCP proxy in front of every node (commands written before a reply arrives count as one round trip); Redis commands by INFO commandstats. Peers without a batch API read with Promise.all of get().',
  e: "Sequential awaited gets of cached values on the embedded memory backend, so the call site's own cost is what differs. The untransformed inline call builds a store per call; the transform hoists it.",
  dedupe:
    'In-process dedupe is limited for read-after-write safety (docs/herd-protection.md, "Consistency"): a get joins another caller\'s lookup only while that lookup is still in the open tick batch, not once it is on the wire, and joins a fill only after its own lookup saw the fill\'s marker. This is what that dedupe still buys on 10 hot keys under 100 callers, and what the lookups it no longer joins cost: "Redis commands per get" counts the batches (one MGET each), "keys Redis read per get" (INFO stats keyspace hits + misses) the keys in them, so it shows how many gets shared a lookup (0.1: ten gets per key read; 1: none shared) and how many lookups were sent again for a key already on the wire. The first two rows are from the (a) rounds above, where 100 looping callers come back in the same turn and all land in one batch; in the staggered pattern loop w waits w % 4 event-loop turns (setImmediate) before each get, so callers reach get() in different turns and some arrive while a lookup of their key is on the wire: there the narrowed dedupe sends that key again (keys read per get above 0.1), where joining it would not have. The raw ioredis rows show what the staggered loop itself allows (one GET per get).',
  cold: 'Each contestant reads 2,000 keys that are not in Redis, one get at a time (a cold pass of requests), with a fetcher that waits 1 ms, so both pay the same source cost; fresh keys every round, rounds interleaved and alternated, on direct connections. Hand-rolled: GET; on a miss fetch, SET PX (awaited), same codec as cacheme. "ms per get" is the pass\'s time ÷ 2,000 (the latency goal); server CPU is INFO cpu `used_cpu_sys` + `used_cpu_user` deltas over the pass ÷ 2,000, summed over the masters on the cluster (it includes the servers\' own background work during the pass); "in commands" is commandstats `usec`. Commands sent and round trips come from 100 further cold gets through a proxy in front of every node that parses what clients write (commandstats cannot tell sent commands from a script\'s inner calls): round trips before the value are counted when the get resolves, "in all" 20 ms later. Each connection first did 200 cold gets of its own (scripts loaded, slots known).',
  warm: 'One getMany of 20 warm keys at a time, 2,000 per round, this process\'s CPU (process.cpuUsage, user + system) ÷ batches, rounds interleaved and alternated with a collection before each; standalone. The baseline stores the same records as JSON text and reads them with one MGET and JSON.parse of each; cacheme uses its default codec, framed (these records are JSON-exact and mostly keys, so it stores them as JSON text: bench/results/codec.md). "paired" in the goal is the median over rounds of cacheme ÷ baseline within a round.',
  f: 'Each measurement of each contestant runs in a fresh process with --expose-gc; heap growth after a full GC while the gets wait on a held-open fetcher, divided by the number of gets. "Store": the library\'s unit of cache definition (cacheme `cached()`, bentocache namespace, cache-manager `createCache`, async-cache-dedupe `define`).',
}

/** bench/results/latest.md and latest.svg of one run. */
export function writeReport({ results, goals, profiles, environment, transformBench, previous }) {
  const tables = scenarioTables(results)
  if (previous && (results.a || results.b)) tables.compare = comparisonTable(results, previous)
  const lines = []
  lines.push('# cacheme benchmark: latest results', '')
  lines.push(
    `Run ${environment.date} on ${environment.cpu}, Node ${environment.node}, ${environment.redis.split(' ').slice(0, 3).join(' ')}.`,
  )
  lines.push(
    `Medians of ${environment.rounds} rounds (${environment.roundMs} ms each for throughput) after a warm-up; spread = ± half the min–max range. Load average before / after: ${environment.loadBefore} / ${environment.loadAfter} (the machine is shared: read ratios, not absolute numbers). Whole run: ${environment.seconds} s.`,
  )
  lines.push('', 'How to run and read this: [bench/README.md](../README.md). Chart: [latest.svg](latest.svg).', '')
  lines.push('![ratios to raw ioredis](latest.svg)', '')
  lines.push('## Goals', '')
  lines.push('| goal | target | result | |', '|---|---|---|---|')
  for (const g of goals)
    lines.push(
      `| ${g.id.length <= 4 ? `(${g.id})` : g.id} | ${g.goal} | ${g.detail} | ${g.met === null ? 'pending' : g.met ? 'met' : '**missed**'} |`,
    )
  lines.push('')
  for (const id of ['a', 'dedupe', 'b', 'compare', 'lone', 'c', 'd', 'cold', 'warm', 'e', 'f']) {
    if (!tables[id]) continue
    lines.push(`## ${TITLES[id]}`, '', id === 'compare' ? compareNote(previous, environment) : NOTES[id], '', tables[id], '')
    if (id === 'dedupe')
      lines.push(
        dedupeNote(results.a, 'in (a)'),
        ...(results.aStaggered ? [dedupeNote(results.aStaggered, 'With staggered callers')] : []),
        '',
      )
    if (id === 'cold')
      lines.push(
        'What each cold get sends, and what the servers ran for it (the reason behind the server-CPU figure):',
        '',
        tables.coldNames,
        '',
      )
    if (id === 'warm') lines.push(warmNote(results.warm), '')
    if (id === 'warm' && results.warm.profile) {
      for (const [who, profile] of Object.entries(results.warm.profile))
        lines.push(...profileSection('warm getMany(20)', { ...profile, opsPerSec: undefined }, who))
    }
    const missed = goals.find((g) => g.id === id && g.met === false)
    if (missed && id === 'a') lines.push(roundTripNote(results.a, profiles.a), '')
    if (profiles[id]) lines.push(...profileSection(id, profiles[id]))
  }
  if (results.e?.transformedCode) {
    lines.push(
      '<details><summary>(e) the transformed module</summary>',
      '',
      '```js',
      results.e.transformedCode.trim(),
      '```',
      '',
      '</details>',
      '',
    )
  }
  if (transformBench) {
    lines.push('## Compiler throughput (bench/transform/run.mjs)', '')
    lines.push(`Details: [transform.md](transform.md). Exit status ${transformBench.status}.`, '', '```', transformBench.output, '```', '')
  }
  return { markdown: lines.join('\n'), svg: resultsChart(results) }
}

const pct = (n) => `${n.toFixed(0)}%`

function compareNote(previous, environment) {
  return (
    `The previous figures are those of commit ${previous.commit} (\`${previous.source}\`, kept in [previous.json](previous.json)), run ${previous.date} ` +
    `at load average ${previous.loadBefore} (before) / ${previous.loadAfter} (after); this run: ${environment.loadBefore} / ${environment.loadAfter}. ` +
    'Absolute ops/s follow the load of the shared machine, so the regression goal compares ratios measured within each run. ' +
    "Since the rebuild the raw ioredis baselines decode with cacheme's default codec (msgpack without records; since issue 12, JSON text for records like these), so their own speed changed too."
  )
}

function dedupeNote(rows, where) {
  const on = rows.find((r) => r.contestant === 'cacheme')
  const off = rows.find((r) => r.variant)
  return (
    `${where === 'in (a)' ? 'In (a), singleflight' : `${where}, singleflight`} on: ${on.keysReadPerGet.toFixed(3)} keys read per get in ${on.commandsPerGet.toFixed(4)} Redis commands per get, ${on.fetchesDuringMeasurement} fetches while measured; off: ` +
    `${off.keysReadPerGet.toFixed(3)} keys in ${off.commandsPerGet.toFixed(4)} commands, ${off.fetchesDuringMeasurement} fetches. On is ${(on.opsPerSec.median / off.opsPerSec.median).toFixed(2)}× the ops/s of off; ${on.keysReadPerGet > 0 ? `each key read served ${(1 / on.keysReadPerGet).toFixed(1)} gets` : ''}.`
  )
}

function warmNote(warm) {
  return (
    `Per round, cacheme ÷ baseline client CPU: ${warm.pairedRatios.map((r) => r.toFixed(2)).join(', ')}. ` +
    `Default codec round trip through Redis (${warm.roundTrip.types.join(', ')}): ${warm.roundTrip.failed.length ? `differs for ${warm.roundTrip.failed.join(', ')}` : 'every value read back equal'}.`
  )
}

/** Why (a) can miss "≥ 2× every peer": what the round-trip columns and the profile say. */
function roundTripNote(rows, profile) {
  const cacheme = rows.find((r) => r.contestant === 'cacheme')
  const peers = rows.filter((r) => !r.baseline && !r.variant && r.contestant !== 'cacheme')
  const closest = peers.reduce((best, r) => (r.opsPerSec.median > best.opsPerSec.median ? r : best), peers[0])
  return (
    `**Goal (a) against ${closest.contestant}:** both serve ${cacheme.getsPerRoundTrip.toFixed(0)} gets per Redis round trip ` +
    `(${closest.getsPerRoundTrip.toFixed(0)} for ${closest.contestant}): with 100 callers each waiting for its value, no contestant can put more than ` +
    `100 gets in one round trip, so both run at the speed of one round trip per 100 gets. cacheme sends 1 MGET per round trip ` +
    `(${cacheme.commandsPerGet.toFixed(3)} commands per get) where ${closest.contestant} sends ${(closest.commandsPerGet * closest.getsPerRoundTrip).toFixed(0)} GETs, ` +
    `and ends up ${(cacheme.opsPerSec.median / closest.opsPerSec.median).toFixed(2)}× as fast, not 2×, because what is left is the round trip itself` +
    (profile
      ? `: the profile shows cacheme's own code at ${pct(profile.shares.cacheme)} of the time, against ${pct(profile.shares.idle)} waiting for Redis and ${pct(profile.shares.socketWrites)} in socket writes.`
      : '.')
  )
}

function profileSection(id, profile, who = 'cacheme') {
  const rows = profile.top.map((r) => `| ${r.pct.toFixed(1)}% | \`${r.name}\` | ${r.where || ''} |`)
  return [
    `### Where ${who}'s time goes in ${id.length <= 4 ? `(${id})` : id} — CPU profile (V8 sampling, as \`node --cpu-prof\`)`,
    '',
    (profile.opsPerSec === undefined
      ? `${who} alone on the same loop. `
      : `cacheme alone on the same pattern for 2 s (${Math.round(profile.opsPerSec).toLocaleString('en-US')} ops/s while profiled). `) +
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
