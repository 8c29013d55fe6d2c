import { fmtBytes, fmtInt, fmtMs, fmtRatio, fmtSpread, table } from './format.mjs'

const RAW = 'ioredis GET+decode'

function rawOf(rows, pick) {
  const raw = rows.find((r) => r.contestant === RAW)
  return raw ? pick(raw) : NaN
}

/** One Markdown table per scenario that ran, keyed by scenario letter. */
export function scenarioTables(results) {
  const out = {}
  for (const id of ['a', 'b']) {
    const rows = results[id]
    if (!rows) continue
    const raw = rawOf(rows, (r) => r.opsPerSec.median)
    out[id] = table(
      ['contestant', 'ops/s (median)', 'spread', '× raw ioredis', 'best round', 'p99 ms', 'Redis commands per get', 'gets per round trip', 'fetches while measured'],
      rows.map((r) => [r.contestant, fmtInt(r.opsPerSec.median), fmtSpread(r.opsPerSec), fmtRatio(r.opsPerSec.median / raw), fmtInt(Math.max(...r.opsPerSec.rounds)), fmtMs(r.p99Ms.median), r.commandsPerGet.toFixed(3), r.getsPerRoundTrip.toFixed(1), r.fetchesDuringMeasurement]),
    )
  }
  if (results.lone) {
    const raw = rawOf(results.lone, (r) => r.p50Ms.median)
    out.lone = table(
      ['contestant', 'p50 µs', 'p99 µs', 'p50 × raw ioredis', 'gets/s'],
      results.lone.map((r) => [r.contestant, fmtInt(r.p50Ms.median * 1000), fmtInt(r.p99Ms.median * 1000), fmtRatio(r.p50Ms.median / raw), fmtInt(r.opsPerSec.median)]),
    )
  }
  if (results.c) {
    const raw = rawOf(results.c, (r) => r.p99Ms.median)
    out.c = table(
      ['contestant', 'fetcher calls (median)', 'max', 'p99 ms', 'p99 × raw ioredis', 'errors'],
      results.c.map((r) => [r.contestant, r.fetches.median, r.maxFetches, fmtMs(r.p99Ms.median), fmtRatio(r.p99Ms.median / raw), r.errors]),
    )
  }
  if (results.d) {
    const rows = []
    for (const topology of ['standalone', 'cluster']) {
      const part = results.d.filter((r) => r.topology === topology)
      const raw = rawOf(part, (r) => r.ms.median)
      for (const r of part) {
        rows.push([topology, r.contestant + (r.batchApi ? '' : ' (Promise.all of get)'), fmtMs(r.ms.median), fmtSpread(r.ms), fmtRatio(raw / r.ms.median), `${r.maxRoundTrips} over ${r.nodes} node(s)`, r.commands])
      }
    }
    out.d = table(['topology', 'contestant', 'ms per 100 keys', 'spread', 'speed × raw ioredis', 'round trips (max)', 'Redis commands'], rows)
  }
  if (results.e) {
    if (results.e.pending) out.e = `pending: ${results.e.pending}`
    else {
      const hand = results.e.variants.find((v) => v.variant === 'hand-written').nsPerOp.median
      out.e = table(
        ['call site', 'ns per get (median)', 'spread', '× hand-written'],
        results.e.variants.map((v) => [v.variant, fmtInt(v.nsPerOp.median), fmtSpread(v.nsPerOp), fmtRatio(v.nsPerOp.median / hand)]),
      )
    }
  }
  if (results.f) {
    out.f = table(
      ['contestant', 'heap per pending get, one cold key', 'per pending get, distinct cold keys', 'heap per store'],
      results.f.map((r) => [r.contestant, fmtBytes(r.oneKeyBytes), fmtBytes(r.distinctKeysBytes), fmtBytes(r.storeBytes)]),
    )
  }
  return out
}
