const CACHEME = 'cacheme'
const RAW = 'ioredis GET+decode'
const RAW_AUTO = 'ioredis auto-pipelined'

const byName = (rows, name) => rows.find((r) => r.contestant === name)

const HAND_ROLLED = 'hand-rolled cache-aside'
const MGET_JSON = 'MGET + JSON.parse'
/** Figures of (a) and (b) no lower than this share of the previous run's count as "not regressed". */
export const REGRESSION_TOLERANCE = 0.95

const x = (r) => `${r.toFixed(2)}×`

/**
 * The issues' goals, each { id, goal, met, detail }, from one run's results (issue 6: a–e;
 * issue 12: cold, warm, and no regression of (a)/(b) against `previous`, bench/results/previous.json).
 */
export function evaluateGoals(results, previous) {
  const goals = []
  if (results.a) {
    const cacheme = byName(results.a, CACHEME)
    const best = (row) => Math.max(...row.opsPerSec.rounds)
    const cm = cacheme.opsPerSec.median
    const raw = byName(results.a, RAW).opsPerSec.median
    const peers = results.a.filter((r) => !r.baseline && !r.variant && r.contestant !== CACHEME)
    const worstPeer = peers.reduce((w, p) => (cm / p.opsPerSec.median < cm / w.opsPerSec.median ? p : w), peers[0])
    const vsPeer = cm / worstPeer.opsPerSec.median
    goals.push({
      id: 'a',
      goal: '≥ 3× raw ioredis GET+decode and ≥ 2× every peer',
      met: cm / raw >= 3 && vsPeer >= 2,
      detail: `${(cm / raw).toFixed(2)}× raw; ${vsPeer.toFixed(2)}× the closest peer (${worstPeer.contestant}); best rounds: ${(best(cacheme) / best(worstPeer)).toFixed(2)}×`,
    })
  }
  if (results.b) {
    const ratio = byName(results.b, CACHEME).opsPerSec.median / byName(results.b, RAW_AUTO).opsPerSec.median
    goals.push({ id: 'b', goal: '≥ 1.0× auto-pipelined ioredis GET+decode', met: ratio >= 1, detail: `${ratio.toFixed(2)}×` })
  }
  if (results.c) {
    const c = byName(results.c, CACHEME)
    goals.push({
      id: 'c',
      goal: 'exactly 1 fetch for 4 processes × 250 callers',
      met: c.maxFetches === 1 && c.fetches.rounds.every((f) => f === 1) && c.errors === 0,
      detail: `fetches per round: ${c.fetches.rounds.join(', ')}; errors: ${c.errors}`,
    })
  }
  if (results.d) {
    const rows = results.d.filter((r) => r.contestant === CACHEME)
    goals.push({
      id: 'd',
      goal: '1 round trip per node for getMany of 100 keys',
      met: rows.every((r) => r.maxRoundTrips === r.nodes),
      detail: rows.map((r) => `${r.topology}: ${r.maxRoundTrips} round trip(s) at most over ${r.nodes} node(s)`).join('; '),
    })
  }
  if (results.e) {
    if (results.e.pending) {
      goals.push({ id: 'e', goal: 'transformed within 5% of hand-written', met: null, detail: `pending: ${results.e.pending}` })
    } else {
      const ns = (v) => results.e.variants.find((x) => x.variant === v).nsPerOp.median
      const ratio = ns('transformed') / ns('hand-written')
      goals.push({
        id: 'e',
        goal: 'transformed within 5% of hand-written',
        met: ratio <= 1.05,
        detail: `${ratio.toFixed(3)}× the hand-written store's ns/op`,
      })
    }
  }
  if (results.cold) goals.push(...coldGoals(results.cold))
  if (results.warm) goals.push(...warmGoals(results.warm))
  if (previous) goals.push(...regressionGoals(results, previous))
  return goals
}

/** Issue 12: cacheme's cold get against hand-rolled cache-aside, per topology. */
function coldGoals(rows) {
  const topologies = [...new Set(rows.map((r) => r.topology))]
  const pair = (t) => ({
    cm: rows.find((r) => r.topology === t && r.contestant === CACHEME),
    hr: rows.find((r) => r.topology === t && r.contestant === HAND_ROLLED),
  })
  const each = (fn) => topologies.map((t) => `${t}: ${fn(pair(t))}`).join('; ')
  const all = (test) => topologies.every((t) => test(pair(t)))
  return [
    {
      id: 'cold-commands',
      goal: '≤ 3 Redis commands sent per cold get',
      met: all(({ cm }) => cm.commandsSent.max <= 3),
      detail: each(
        ({ cm, hr }) =>
          `${cm.commandsSent.max} at most (${Object.entries(cm.commandNames)
            .map(([n, c]) => `${c} ${n.toUpperCase()}`)
            .join(' + ')}; hand-rolled ${hr.commandsSent.max})`,
      ),
    },
    {
      id: 'cold-round-trips',
      goal: '≤ 3 round trips before the value is returned',
      met: all(({ cm }) => cm.roundTripsBefore.max <= 3),
      detail: each(({ cm, hr }) => `${cm.roundTripsBefore.max} at most (hand-rolled ${hr.roundTripsBefore.max})`),
    },
    {
      id: 'cold-latency',
      goal: 'cold-pass latency ≤ 1.1× hand-rolled (ms per get)',
      met: all(({ cm, hr }) => cm.msPerGet.median / hr.msPerGet.median <= 1.1),
      detail: each(
        ({ cm, hr }) =>
          `${x(cm.msPerGet.median / hr.msPerGet.median)} (${cm.msPerGet.median.toFixed(2)} vs ${hr.msPerGet.median.toFixed(2)} ms; p50 ${x(cm.p50Ms.median / hr.p50Ms.median)})`,
      ),
    },
    {
      id: 'cold-server-cpu',
      goal: 'Redis server CPU per cold get ≤ 1.1× hand-rolled',
      met: all(({ cm, hr }) => cm.serverCpuUsPerGet.median / hr.serverCpuUsPerGet.median <= 1.1),
      detail: each(
        ({ cm, hr }) =>
          `${x(cm.serverCpuUsPerGet.median / hr.serverCpuUsPerGet.median)} (${cm.serverCpuUsPerGet.median.toFixed(0)} vs ${hr.serverCpuUsPerGet.median.toFixed(0)} µs)`,
      ),
    },
  ]
}

/** Issue 12: warm getMany(20) client CPU against MGET + JSON.parse; the default codec's types. */
function warmGoals(warm) {
  const cm = byName(warm.rows, CACHEME)
  const base = byName(warm.rows, MGET_JSON)
  const paired = warm.pairedRatios.slice().sort((a, b) => a - b)[warm.pairedRatios.length >> 1]
  const ratio = cm.cpuUsPerBatch.median / base.cpuUsPerBatch.median
  return [
    {
      id: 'warm-cpu',
      goal: 'warm getMany(20) client CPU ≤ 1.1× MGET + JSON.parse',
      met: ratio <= 1.1 && paired <= 1.1,
      detail: `${x(ratio)} (${cm.cpuUsPerBatch.median.toFixed(0)} vs ${base.cpuUsPerBatch.median.toFixed(0)} µs per batch; paired by round: median ${x(paired)})`,
    },
    {
      id: 'warm-types',
      goal: 'default codec round-trips Date, Map, Set, BigInt, undefined, typed arrays, Buffer (through Redis)',
      met: warm.roundTrip.failed.length === 0,
      detail:
        warm.roundTrip.failed.length === 0 ? `all ${warm.roundTrip.types.length} checked` : `differs: ${warm.roundTrip.failed.join(', ')}`,
    },
  ]
}

/**
 * Issue 12: the hot-key (a) and distinct-key (b) figures of cacheme do not regress against the
 * previous run (cce6c00). Absolute ops/s depend on the machine's load, so the test is on ratios
 * measured within each run: × raw ioredis GET+decode, and the scenario's own yardstick (a: the
 * closest peer, whose code did not change; b: auto-pipelined ioredis).
 */
function regressionGoals(results, previous) {
  const goals = []
  for (const id of ['a', 'b']) {
    if (!results[id] || !previous[id]) continue
    const now = (rows, name) => rows.find((r) => r.contestant === name)?.opsPerSec
    const med = (v) => (typeof v === 'number' ? v : v?.median)
    const nowRows = results[id]
    const thenRows = previous[id]
    const ratio = (rows, name) => med(now(rows, CACHEME)) / med(now(rows, name))
    const thenRatio = (name) =>
      thenRows.find((r) => r.contestant === CACHEME).opsPerSec / thenRows.find((r) => r.contestant === name).opsPerSec
    const yardstick =
      id === 'a'
        ? nowRows
            .filter((r) => !r.baseline && !r.variant && r.contestant !== CACHEME)
            .reduce((w, p) => (p.opsPerSec.median > w.opsPerSec.median ? p : w)).contestant
        : RAW_AUTO
    const checks = [
      [RAW, ratio(nowRows, RAW), thenRatio(RAW)],
      [yardstick, ratio(nowRows, yardstick), thenRatio(yardstick)],
    ]
    goals.push({
      id: `${id}-vs-${previous.commit}`,
      goal: `(${id}) cacheme not regressed against ${previous.commit} (ratios ≥ ${REGRESSION_TOLERANCE}× of then)`,
      met: checks.every(([, n, t]) => n >= REGRESSION_TOLERANCE * t),
      detail:
        checks.map(([name, n, t]) => `× ${name}: ${x(n)} now, ${x(t)} then`).join('; ') +
        `; ops/s ${Math.round(med(now(nowRows, CACHEME))).toLocaleString('en-US')} now, ${thenRows.find((r) => r.contestant === CACHEME).opsPerSec.toLocaleString('en-US')} then (load ${previous.loadBefore.split(' ')[0]} then)`,
    })
  }
  return goals
}
