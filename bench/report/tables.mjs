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
      [
        'contestant',
        'ops/s (median)',
        'spread',
        '× raw ioredis',
        'best round',
        'p99 ms',
        'Redis commands per get',
        'gets per round trip',
        'fetches while measured',
      ],
      rows.map((r) => [
        r.contestant,
        fmtInt(r.opsPerSec.median),
        fmtSpread(r.opsPerSec),
        fmtRatio(r.opsPerSec.median / raw),
        fmtInt(Math.max(...r.opsPerSec.rounds)),
        fmtMs(r.p99Ms.median),
        r.commandsPerGet.toFixed(3),
        r.getsPerRoundTrip.toFixed(1),
        r.fetchesDuringMeasurement,
      ]),
    )
  }
  if (results.lone) {
    const raw = rawOf(results.lone, (r) => r.p50Ms.median)
    out.lone = table(
      ['contestant', 'p50 µs', 'p99 µs', 'p50 × raw ioredis', 'gets/s'],
      results.lone.map((r) => [
        r.contestant,
        fmtInt(r.p50Ms.median * 1000),
        fmtInt(r.p99Ms.median * 1000),
        fmtRatio(r.p50Ms.median / raw),
        fmtInt(r.opsPerSec.median),
      ]),
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
        rows.push([
          topology,
          r.contestant + (r.batchApi ? '' : ' (Promise.all of get)'),
          fmtMs(r.ms.median),
          fmtSpread(r.ms),
          fmtRatio(raw / r.ms.median),
          `${r.maxRoundTrips} over ${r.nodes} node(s)`,
          r.commands,
        ])
      }
    }
    out.d = table(
      ['topology', 'contestant', 'ms per 100 keys', 'spread', 'speed × raw ioredis', 'round trips (max)', 'Redis commands'],
      rows,
    )
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
  if (results.a?.some((r) => r.variant)) {
    const rows = []
    for (const [pattern, part] of [
      ['(a) as above', results.a],
      ['(a), callers staggered over 4 turns', results.aStaggered],
    ]) {
      if (!part) continue
      const off = part.find((r) => r.variant)
      for (const r of part.filter((x) => x.contestant === 'cacheme' || x.variant || (x.baseline && part === results.aStaggered))) {
        rows.push([
          pattern,
          r.baseline ? r.contestant : r.variant ? 'cacheme, singleflight off' : 'cacheme, singleflight on (default)',
          fmtInt(r.opsPerSec.median),
          fmtSpread(r.opsPerSec),
          fmtRatio(r.opsPerSec.median / off.opsPerSec.median),
          fmtMs(r.p50Ms.median),
          fmtMs(r.p99Ms.median),
          r.commandsPerGet.toFixed(4),
          r.keysReadPerGet.toFixed(3),
          r.getsPerRoundTrip.toFixed(1),
          r.fetchesDuringMeasurement,
        ])
      }
    }
    out.dedupe = table(
      [
        'pattern',
        'contestant',
        'ops/s (median)',
        'spread',
        '× singleflight off',
        'p50 ms',
        'p99 ms',
        'Redis commands per get',
        'keys Redis read per get',
        'gets per round trip',
        'fetches while measured',
      ],
      rows,
    )
  }
  if (results.cold) {
    const rows = []
    for (const topology of [...new Set(results.cold.map((r) => r.topology))]) {
      const part = results.cold.filter((r) => r.topology === topology)
      const hr = part.find((r) => r.baseline)
      for (const r of part) {
        rows.push([
          topology,
          r.contestant,
          fmtMs(r.msPerGet.median),
          fmtSpread(r.msPerGet),
          fmtRatio(r.msPerGet.median / hr.msPerGet.median),
          fmtMs(r.p50Ms.median),
          fmtMs(r.p99Ms.median),
          fmtInt(r.serverCpuUsPerGet.median),
          fmtRatio(r.serverCpuUsPerGet.median / hr.serverCpuUsPerGet.median),
          fmtInt(r.commandUsPerGet.median),
          `${r.commandsSent.median} (max ${r.commandsSent.max})`,
          `${r.roundTripsBefore.median} (max ${r.roundTripsBefore.max})`,
          r.roundTripsTotal.max,
          r.executedPerGet.toFixed(1),
          fmtInt(r.clientCpuUsPerGet.median),
          r.fetchesPerGet,
        ])
      }
    }
    out.cold = table(
      [
        'topology',
        'contestant',
        'ms per get',
        'spread',
        '× hand-rolled',
        'p50 ms',
        'p99 ms',
        'server CPU µs/get',
        '× hand-rolled',
        'in commands µs/get',
        'commands sent per get',
        'round trips before value',
        'round trips in all (max)',
        'commands the server ran per get',
        'client CPU µs/get',
        'fetches per get',
      ],
      rows,
    )
    out.coldNames = table(
      [
        'topology',
        'contestant',
        'commands sent per get, by name',
        "commands the server ran per get (scripts' inner calls included), by name",
      ],
      results.cold.map((r) => [r.topology, r.contestant, perName(r.commandNames), perName(r.executedNames)]),
    )
  }
  if (results.warm) {
    const base = results.warm.rows.find((r) => r.baseline)
    out.warm = table(
      ['contestant', 'client CPU µs per getMany(20)', 'spread', '× MGET + JSON.parse', 'ms per batch (wall)', 'Redis commands per batch'],
      results.warm.rows.map((r) => [
        r.contestant,
        fmtInt(r.cpuUsPerBatch.median),
        fmtSpread(r.cpuUsPerBatch),
        fmtRatio(r.cpuUsPerBatch.median / base.cpuUsPerBatch.median),
        fmtMs(r.msPerBatch.median),
        r.commandsPerBatch,
      ]),
    )
  }
  return out
}

const perName = (counts) =>
  Object.entries(counts ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([n, c]) => `${+c.toFixed(2)} ${n.toUpperCase()}`)
    .join(', ')

/** (a) and (b) of this run against the previous results (bench/results/previous.json). */
export function comparisonTable(results, previous) {
  const rows = []
  for (const id of ['a', 'b']) {
    if (!results[id] || !previous?.[id]) continue
    const raw = results[id].find((r) => r.contestant === RAW).opsPerSec.median
    const rawThen = previous[id].find((r) => r.contestant === RAW).opsPerSec
    for (const then of previous[id]) {
      const now = results[id].find((r) => r.contestant === then.contestant)
      if (!now) continue
      rows.push([
        `(${id})`,
        then.contestant,
        fmtInt(now.opsPerSec.median),
        fmtInt(then.opsPerSec),
        fmtRatio(now.opsPerSec.median / raw),
        fmtRatio(then.opsPerSec / rawThen),
        fmtMs(now.p99Ms.median),
        fmtMs(then.p99Ms),
        now.commandsPerGet.toFixed(3),
        then.commandsPerGet.toFixed(3),
      ])
    }
  }
  return table(
    [
      'scenario',
      'contestant',
      'ops/s now',
      `ops/s ${previous.commit}`,
      '× raw now',
      `× raw ${previous.commit}`,
      'p99 ms now',
      `p99 ms ${previous.commit}`,
      'commands per get now',
      `commands per get ${previous.commit}`,
    ],
    rows,
  )
}
