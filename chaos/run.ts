// npm run chaos [-- --quick] [-- scenario-name ...] [-- --rewrite-report]
// Runs the long chaos scenarios one after the other and writes bench/results/chaos.md and
// chaos.json (--quick: in the temp dir) (after every scenario, so a failure keeps what ran). Bounded: every scenario stops
// by itself; the whole run takes about 6 minutes (--quick: about 2).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ScenarioResult } from './load.js'
import { rewriteMarkdown, writeReport, type RunInfo } from './report.js'
import { clusterScenarios, flakyNetwork, readAfterWrite, standaloneStall, type Pace } from './scenarios.js'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = args.filter((a) => !a.startsWith('--'))
const pace: Pace = { scale: quick ? 0.3 : 1 }
// A quick run is for trying the runner: its report goes to the temp dir, never over the real one.
const outDir = quick ? pathToFileURL(join(tmpdir(), 'cacheme-chaos-quick/')) : new URL('../bench/results/', import.meta.url)

const groups: { names: string[]; run: (pace: Pace) => Promise<ScenarioResult | ScenarioResult[]> }[] = [
  { names: ['standalone-stall'], run: standaloneStall },
  { names: ['flaky-network'], run: flakyNetwork },
  { names: ['resharding', 'failover-sleep', 'failover-kill'], run: clusterScenarios },
  { names: ['read-after-write', 'read-after-write-cluster'], run: readAfterWrite },
]

/** The short hash of HEAD, or of the last commit that changed `path`. */
function commit(path?: string): string {
  try {
    return execFileSync('git', path ? ['log', '-1', '--format=%h', '--', path] : ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).trim()
  } catch {
    return 'unknown'
  }
}

if (args.includes('--rewrite-report')) {
  rewriteMarkdown(outDir)
  console.log(`chaos: rewrote ${new URL('chaos.md', outDir).pathname} from chaos.json`)
  process.exit(0)
}

const runtime = JSON.parse(readFileSync(new URL('../packages/cacheme/package.json', import.meta.url), 'utf8')).version as string
const started = Date.now()
const info: RunInfo = {
  startedAt: new Date().toISOString(),
  commit: commit(),
  runtime: `cacheme ${runtime} (packages/ as of ${commit('packages')})`,
  wallS: 0,
  quick,
}
const results: ScenarioResult[] = []
// A run of some scenarios only keeps the other scenarios of the last report (their own run info
// is not kept: the header then names this run).
const previous = only.length ? previousReport() : undefined
const kept = previous
  ? previous.scenarios.filter((r) => !groups.some((g) => g.names.includes(r.name) && g.names.some((n) => only.includes(n))))
  : []
if (previous && kept.length) {
  info.partial = `only ${only.join(', ')} ran now; ${kept.map((r) => r.name).join(', ')} are from the run of ${previous.startedAt} (commit ${previous.commit})`
}
for (const group of groups) {
  if (only.length && !group.names.some((n) => only.includes(n))) continue
  console.log(`chaos: ${group.names.join(', ')} ...`)
  try {
    const out = await group.run(pace)
    results.push(...(Array.isArray(out) ? out : [out]))
  } catch (error) {
    results.push({
      name: group.names.join('+'),
      title: group.names.join(', '),
      what: 'could not start',
      wallS: 0,
      events: [],
      fetchesAreExtra: false,
      error: (error as Error).stack ?? String(error),
    })
  }
  for (const r of results.slice(-group.names.length)) {
    const f = r.figures
    console.log(
      `  ${r.name}: ${f ? `${f.gets} gets, ${f.failed} failed, ${f.staleReads} stale, ${f.fetches} fetches, p99 ${f.latencyMs.p99.toFixed(1)} ms` : `error: ${r.error?.split('\n')[0]}`}`,
    )
  }
  info.wallS = (Date.now() - started) / 1000
  writeReport(outDir, info, ordered([...kept, ...results]))
}

function previousReport(): { startedAt: string; commit: string; scenarios: ScenarioResult[] } {
  try {
    return JSON.parse(readFileSync(new URL('chaos.json', outDir), 'utf8'))
  } catch {
    return { startedAt: '', commit: '', scenarios: [] }
  }
}

/** In the order of `groups`, whatever order they ran in. */
function ordered(list: ScenarioResult[]): ScenarioResult[] {
  const order = groups.flatMap((g) => g.names)
  return [...list].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
}
console.log(`chaos: report in ${new URL('chaos.md', outDir).pathname} (${Math.round((Date.now() - started) / 1000)} s)`)
