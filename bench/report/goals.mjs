const CACHEME = 'cacheme'
const RAW = 'ioredis GET+decode'
const RAW_AUTO = 'ioredis auto-pipelined'

const byName = (rows, name) => rows.find((r) => r.contestant === name)

/** The goals, each { id, goal, met, detail }, from one run's results. */
export function evaluateGoals(results) {
  const goals = []
  if (results.a) {
    const cacheme = byName(results.a, CACHEME)
    const best = (row) => Math.max(...row.opsPerSec.rounds)
    const cm = cacheme.opsPerSec.median
    const raw = byName(results.a, RAW).opsPerSec.median
    const peers = results.a.filter((r) => !r.baseline && r.contestant !== CACHEME)
    const worstPeer = peers.reduce((w, p) => (cm / p.opsPerSec.median < cm / w.opsPerSec.median ? p : w), peers[0])
    const vsPeer = cm / worstPeer.opsPerSec.median
    goals.push({
      id: 'a', goal: '≥ 3× raw ioredis GET+decode and ≥ 2× every peer',
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
      id: 'c', goal: 'exactly 1 fetch for 4 processes × 250 callers',
      met: c.maxFetches === 1 && c.fetches.rounds.every((f) => f === 1) && c.errors === 0,
      detail: `fetches per round: ${c.fetches.rounds.join(', ')}; errors: ${c.errors}`,
    })
  }
  if (results.d) {
    const rows = results.d.filter((r) => r.contestant === CACHEME)
    goals.push({
      id: 'd', goal: '1 round trip per node for getMany of 100 keys',
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
      goals.push({ id: 'e', goal: 'transformed within 5% of hand-written', met: ratio <= 1.05, detail: `${ratio.toFixed(3)}× the hand-written store's ns/op` })
    }
  }
  return goals
}
