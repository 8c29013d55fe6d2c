import { spawnSync } from 'node:child_process'
import { cpus, loadavg } from 'node:os'

/** What a results file says about where it was measured: date, Node, CPU, Redis, load before the run. */
export function benchEnvironment({ rounds, roundMs }) {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    redis: spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim(),
    loadBefore: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    rounds,
    roundMs,
  }
}
