import { readFileSync } from 'node:fs'

/**
 * Top self-time functions of a V8 `.cpuprofile` (what `node --cpu-prof` writes), as
 * `{ name, where, selfMs, pct }`, biggest first.
 */
export function topSelfTime(path, limit = 15) {
  const profile = JSON.parse(readFileSync(path, 'utf8'))
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const selfUs = new Map()
  const { samples, timeDeltas } = profile
  for (let i = 0; i < samples.length; i++) {
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0))
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0)
  const byFunction = new Map()
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id)
    const file = callFrame.url.replace(/^.*\/(node_modules|packages)\//, '$1/').replace(/^file:\/\//, '')
    const name = callFrame.functionName || '(anonymous)'
    const where = file ? `${file}:${callFrame.lineNumber + 1}` : ''
    const key = `${name}\t${where}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
  }
  return [...byFunction]
    .map(([key, us]) => {
      const [name, where] = key.split('\t')
      return { name, where, selfMs: us / 1000, pct: (us / total) * 100 }
    })
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, limit)
}

/**
 * Where the time of a profile went, in % of samples: waiting (idle: for Redis, here), socket
 * writes, garbage collection, cacheme's own code (packages/cacheme), and everything else.
 */
export function timeShares(path) {
  const rows = topSelfTime(path, Infinity)
  const sum = (test) => rows.filter(test).reduce((total, r) => total + r.pct, 0)
  const shares = {
    idle: sum((r) => r.name === '(idle)'),
    socketWrites: sum((r) => r.name === 'writeUtf8String' || r.name === 'writeBuffer' || r.name === 'writev'),
    gc: sum((r) => r.name === '(garbage collector)'),
    cacheme: sum((r) => r.where.startsWith('packages/cacheme/')),
  }
  return { ...shares, other: 100 - shares.idle - shares.socketWrites - shares.gc - shares.cacheme }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of topSelfTime(process.argv[2], Number(process.argv[3] ?? 20))) {
    console.log(`${row.pct.toFixed(1).padStart(5)}%  ${row.selfMs.toFixed(0).padStart(6)} ms  ${row.name}  ${row.where}`)
  }
}
