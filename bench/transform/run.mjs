// The compiler's benchmark: transform throughput against a bare oxc parse, and the build time of a generated project
// with and without unplugin-cacheme (esbuild, rolldown, rollup). Run after `npm run build`:
//   node bench/transform/run.mjs                 (the goals are for Node >= 22: oxc's raw transfer)
//   node bench/transform/run.mjs --full          (1,000-module projects, 11 builds each: the figures of the results page)
//   node bench/transform/run.mjs --throughput    (transform vs parse only, printed, nothing written)
//   node bench/transform/run.mjs --only=rolldown,mixed   (one bundler / project, printed, nothing written; BUILD_RUNS=n)
// Prints the numbers and the overhead against the goals; writes bench/results/transform.md.
// Without --full it is sized to end well within a minute on a loaded machine (`npm run bench` runs it so): 200-module
// projects, no rollup (several times slower than the others), each bundler's builds stop after their share of a 15 s
// budget (2 interleaved pairs at least), fewer throughput rounds.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { build as esbuild } from 'esbuild'
import { rolldown } from 'rolldown'
import { rollup } from 'rollup'
import { parseSync, rawTransferSupported } from 'oxc-parser'
import { transform } from '@cacheme/transform'
import unplugin from 'unplugin-cacheme'
import esbuildPlugin from 'unplugin-cacheme/esbuild'
import rolldownPlugin from 'unplugin-cacheme/rolldown'
import rollupPlugin from 'unplugin-cacheme/rollup'
import { generateProject, moduleSource } from './project.mjs'

/** Two shapes: a tenth of the modules call cached() (a typical app; the goals apply), and all do. */
const PROJECTS = [
  { name: 'mixed', label: '1 module in 10 with call sites', withCalls: (i) => i % 10 === 0 },
  { name: 'all', label: 'every module with call sites (worst case)', withCalls: () => true },
]

const FULL = process.argv.includes('--full')
const MODULES = Number(process.env.MODULES ?? (FULL ? 1000 : 200))
/** `--only=rolldown,mixed`: one bundler and / or one project, printed, nothing written. */
const onlyArg = process.argv.find((a) => a.startsWith('--only='))
const ONLY = onlyArg ? { bundler: onlyArg.slice(7).split(',')[0] || undefined, project: onlyArg.slice(7).split(',')[1] } : {}
const BUILD_RUNS = Number(process.env.BUILD_RUNS ?? 11)
/** Wall-clock budget of all builds (ms), shared equally by the bundler and project pairs; none with --full or BUILD_RUNS. */
const BUILD_BUDGET = FULL || process.env.BUILD_RUNS ? Infinity : 15_000
const MIN_RUNS = 2
const ROUNDS = FULL ? 15 : 9
const TMP = fileURLToPath(new URL('../.tmp/transform/', import.meta.url))
const RESULTS = fileURLToPath(new URL('../results/transform.md', import.meta.url))
const NOTES = '<!-- notes: kept by run.mjs -->'
const GOALS = { esbuild: 0.5, 'esbuild, unplugin adapter': 0.5, rolldown: 0.15, rollup: 0.15 }

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** `median [min–max]` of a list of milliseconds. */
function spread(values) {
  return `${median(values).toFixed(0)} [${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}]`
}

/**
 * Wall time and CPU time (user + system, every thread of this process: rolldown's and esbuild's
 * service aside, which runs in its own process) of one build, in ms. CPU time moves far less
 * than wall time when other work shares the cores.
 */
async function time(fn) {
  const start = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  await fn()
  const used = process.cpuUsage(cpu)
  return { wall: Number(process.hrtime.bigint() - start) / 1e6, cpu: (used.user + used.system) / 1e3 }
}

/**
 * MB/s of transform() over modules with call sites, with its source map read (as a host does)
 * and without (the map is built when read), against a bare oxc-parser parseSync of the same
 * files with its syntax tree read (raw transfer where the platform has it: the whole tree
 * deserialized into JS objects, which is what a JS tool pays for oxc's tree; transform() itself
 * reads the tree lazily there, see docs/build-plugin.md): interleaved rounds (15, or 9 without
 * --full), the first a warm-up, timed by this process's CPU time. The ratio is of the medians,
 * and of the fastest rounds (the least disturbed by other work on the machine).
 */
function throughput() {
  const modules = Array.from({ length: 200 }, (_, i) => moduleSource(i))
  const bytes = modules.reduce((n, code) => n + Buffer.byteLength(code), 0)
  const raw = rawTransferSupported()
  const contestants = {
    'transform() with its map': (code, j) => transform(code, `m${j}.js`).map,
    'transform() without a map': (code, j) => transform(code, `m${j}.js`),
    parseSync: (code, j) => parseSync(`m${j}.js`, code, { sourceType: 'module', experimentalRawTransfer: raw }).program,
  }
  // What transform() reads on Node >= 22: the tree left in oxc's buffer (lazy raw transfer), only
  // the errors read. Shown for scale: it is not the baseline of the goal.
  if (raw)
    contestants['bare `parseSync`, lazy: tree left in the buffer'] = (code, j) => {
      const parsed = parseSync(`m${j}.js`, code, { sourceType: 'module', experimentalLazy: true })
      const errors = parsed.errors.length
      parsed.dispose()
      return errors
    }
  // Rounds of 2,000 modules (10 passes): shorter ones are mostly a garbage collection or none.
  const passes = 10
  // CPU time of this process, not wall time: on a shared machine a round's wall time is mostly
  // the time other processes had the cores.
  const round = (run) => {
    const start = process.cpuUsage()
    for (let i = 0; i < passes; i++) modules.forEach(run)
    const used = process.cpuUsage(start)
    return (bytes * passes) / (used.user + used.system)
  }
  const rates = Object.fromEntries(Object.keys(contestants).map((name) => [name, []]))
  for (let i = 0; i < ROUNDS; i++) for (const [name, run] of Object.entries(contestants)) rates[name].push(round(run))
  // The first round of each warms up.
  for (const name of Object.keys(rates)) rates[name] = rates[name].slice(1)
  return { rates, raw, bytes, files: modules.length }
}

const builders = {
  esbuild: (entry, plugin) => () =>
    esbuild({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      external: ['cacheme'],
      logLevel: 'silent',
      plugins: plugin ? [esbuildPlugin()] : [],
    }),
  // What the esbuild entry was before it had its own plugin: unplugin's generic adapter.
  'esbuild, unplugin adapter': (entry, plugin) => () =>
    esbuild({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      external: ['cacheme'],
      logLevel: 'silent',
      plugins: plugin ? [unplugin.esbuild()] : [],
    }),
  rolldown: (entry, plugin) => async () => {
    const bundle = await rolldown({
      input: entry,
      external: ['cacheme'],
      platform: 'node',
      logLevel: 'silent',
      plugins: plugin ? [rolldownPlugin()] : [],
    })
    await bundle.generate({ format: 'es' })
    await bundle.close()
  },
  rollup: (entry, plugin) => async () => {
    const bundle = await rollup({ input: entry, external: ['cacheme'], logLevel: 'silent', plugins: plugin ? [rollupPlugin()] : [] })
    await bundle.generate({ format: 'es' })
    await bundle.close()
  },
}

/** The bundlers of this run: rollup only with --full or when asked for (one of its builds takes as long as ten of the others'). */
function bundlers() {
  return Object.entries(builders).filter(([name]) => (ONLY.bundler ? ONLY.bundler === name : FULL || name !== 'rollup'))
}

async function buildTimes(entry, budget) {
  const rows = {}
  for (const [name, make] of bundlers()) {
    const runs = { without: [], withPlugin: [] }
    const deadline = performance.now() + budget
    await make(entry, false)()
    await make(entry, true)()
    for (let i = 0; i < BUILD_RUNS && (i < MIN_RUNS || performance.now() < deadline); i++) {
      runs.without.push(await time(make(entry, false)))
      runs.withPlugin.push(await time(make(entry, true)))
    }
    const without = runs.without.map((r) => r.wall)
    const withPlugin = runs.withPlugin.map((r) => r.wall)
    const cpu = (list) => median(list.map((r) => r.cpu))
    // The machine is shared: the median of interleaved runs, with the fastest of each as a check
    // (the fastest is the build itself with the least interference).
    rows[name] = {
      runs: without.length,
      without,
      withPlugin,
      overhead: median(withPlugin) / median(without) - 1,
      fastestOverhead: Math.min(...withPlugin) / Math.min(...without) - 1,
      cpuOverhead: cpu(runs.withPlugin) / cpu(runs.without) - 1,
      goal: GOALS[name],
    }
  }
  return rows
}

const t = throughput()
const parse = t.rates.parseSync
const rate = (list) => `**${median(list).toFixed(1)} MB/s** [${Math.min(...list).toFixed(1)}–${Math.max(...list).toFixed(1)}]`
const cost = (list) =>
  `**${(median(parse) / median(list)).toFixed(2)}x** a bare parse (${(Math.max(...parse) / Math.max(...list)).toFixed(2)}x between the fastest rounds)`
const throughputLines = [
  `Transform throughput (${t.files} modules of ${(t.bytes / t.files / 1024).toFixed(1)} KB, 3 call sites each: parse, plan, edit; median [min–max] of ${ROUNDS - 1} interleaved rounds of 10 passes, by CPU time):`,
  '',
  '| | MB/s | cost |',
  '|---|---|---|',
  `| bare \`parseSync\` with its tree read (raw transfer: ${t.raw ? 'on, the whole tree deserialized' : 'off, Node < 22: the tree as JSON'}) | ${rate(parse)} | 1x |`,
  ...Object.entries(t.rates)
    .filter(([name]) => name !== 'parseSync')
    .map(([name, list]) => `| ${name} | ${rate(list)} | ${cost(list)} |`),
  '',
  'Goal on Node >= 22: <= 1.5x.',
]
// `--throughput`: only that (e.g. for the Node 20 figure beside a Node 22 run), nothing written.
if (process.argv.includes('--throughput')) {
  process.stdout.write(`Node ${process.version}\n${throughputLines.join('\n')}\n`)
  process.exit(0)
}
const results = []
const projects = PROJECTS.filter((project) => !ONLY.project || ONLY.project === project.name)
const cells = projects.length * bundlers().length
for (const project of projects) {
  const entry = await generateProject(`${TMP}${project.name}`, MODULES, project.withCalls)
  results.push({ project, builds: await buildTimes(entry, BUILD_BUDGET / cells) })
}

const lines = [
  '# Transform benchmark',
  '',
  `Node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(1)} at the end, ${new Date().toISOString().slice(0, 10)}. Produced by \`node bench/transform/run.mjs${FULL ? ' --full' : ''}\`.`,
  '',
  ...throughputLines,
  '',
  `Build of a generated ${MODULES}-module project, interleaved builds (${BUILD_BUDGET === Infinity ? `${BUILD_RUNS} each` : `as many as a 15 s budget allows, ${MIN_RUNS} at least; rollup with --full only`}), wall ms as median [min–max]; overhead of the medians (of the fastest runs in parentheses; the machine is shared), and of the median CPU time of this process (rolldown's and rollup's; esbuild builds in its own process, so none there):`,
  '',
  '| project | bundler | builds | without plugin | with unplugin-cacheme | overhead | CPU overhead | goal | |',
  '|---|---|---|---|---|---|---|---|---|',
  ...results.flatMap(({ project, builds }) =>
    Object.entries(builds).map(
      ([name, r]) =>
        `| ${project.label} | ${name} | ${r.runs} + ${r.runs} | ${spread(r.without)} | ${spread(r.withPlugin)} | ${(r.overhead * 100).toFixed(1)} % (${(r.fastestOverhead * 100).toFixed(1)} %) | ${name.startsWith('esbuild') ? 'n/a' : `${(r.cpuOverhead * 100).toFixed(1)} %`} | ≤ ${r.goal * 100} % | ${r.overhead <= r.goal ? 'met' : 'not met'} |`,
    ),
  ),
  '',
]
const report = lines.join('\n')
process.stdout.write(report)
if (onlyArg) process.exit(0)
await mkdir(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true })
// Hand-written analysis below this marker survives a new run.
const previous = await readFile(RESULTS, 'utf8').catch(() => '')
const notes = previous.includes(NOTES) ? previous.slice(previous.indexOf(NOTES)) : ''
await writeFile(RESULTS, notes ? `${report}\n${notes}` : report)
