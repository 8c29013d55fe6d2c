// The compiler's benchmark: transform throughput against a bare oxc parse, and the build time of a generated 1,000-module
// project with and without unplugin-cacheme (esbuild, rolldown, rollup). Run after `npm run build`:
//   node bench/transform/run.mjs                 (the goals are for Node >= 22: oxc's raw transfer)
//   node bench/transform/run.mjs --throughput    (transform vs parse only, printed, nothing written)
//   node bench/transform/run.mjs --only=rolldown,mixed   (one bundler / project, printed, nothing written; BUILD_RUNS=n)
// Prints the numbers and the overhead against the goals; writes bench/results/transform.md.
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

const MODULES = 1000
/** `--only=rolldown,mixed`: one bundler and / or one project, printed, nothing written. */
const onlyArg = process.argv.find((a) => a.startsWith('--only='))
const ONLY = onlyArg ? { bundler: onlyArg.slice(7).split(',')[0] || undefined, project: onlyArg.slice(7).split(',')[1] } : {}
const BUILD_RUNS = Number(process.env.BUILD_RUNS ?? 11)
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
 * MB/s of transform() over modules with call sites, against a bare oxc-parser parseSync of the
 * same files (its syntax tree read, with raw transfer where transform() uses it): median of 5
 * rounds each, interleaved.
 */
function throughput() {
  const modules = Array.from({ length: 200 }, (_, i) => moduleSource(i))
  const bytes = modules.reduce((n, code) => n + Buffer.byteLength(code), 0)
  const raw = rawTransferSupported()
  const contestants = {
    transform: (code, j) => transform(code, `m${j}.js`),
    parseSync: (code, j) => parseSync(`m${j}.js`, code, { sourceType: 'module', experimentalRawTransfer: raw }).program,
  }
  const round = (run) => {
    const start = process.hrtime.bigint()
    for (let i = 0; i < 5; i++) modules.forEach(run)
    return (bytes * 5) / (Number(process.hrtime.bigint() - start) / 1e9) / 1e6
  }
  const rates = { transform: [], parseSync: [] }
  for (let i = 0; i < 6; i++) for (const [name, run] of Object.entries(contestants)) rates[name].push(round(run))
  // The first round of each warms up.
  const of = (list) => list.slice(1)
  return { transform: of(rates.transform), parseSync: of(rates.parseSync), raw, bytes, files: modules.length }
}

const builders = {
  esbuild: (entry, plugin) => () =>
    esbuild({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'node', external: ['cacheme'], logLevel: 'silent', plugins: plugin ? [esbuildPlugin()] : [] }),
  // What the esbuild entry was before it had its own plugin: unplugin's generic adapter.
  'esbuild, unplugin adapter': (entry, plugin) => () =>
    esbuild({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'node', external: ['cacheme'], logLevel: 'silent', plugins: plugin ? [unplugin.esbuild()] : [] }),
  rolldown: (entry, plugin) => async () => {
    const bundle = await rolldown({ input: entry, external: ['cacheme'], platform: 'node', logLevel: 'silent', plugins: plugin ? [rolldownPlugin()] : [] })
    await bundle.generate({ format: 'es' })
    await bundle.close()
  },
  rollup: (entry, plugin) => async () => {
    const bundle = await rollup({ input: entry, external: ['cacheme'], logLevel: 'silent', plugins: plugin ? [rollupPlugin()] : [] })
    await bundle.generate({ format: 'es' })
    await bundle.close()
  },
}

async function buildTimes(entry) {
  const rows = {}
  for (const [name, make] of Object.entries(builders)) {
    if (ONLY.bundler && ONLY.bundler !== name) continue
    const runs = { without: [], withPlugin: [] }
    await make(entry, false)()
    await make(entry, true)()
    for (let i = 0; i < BUILD_RUNS; i++) {
      runs.without.push(await time(make(entry, false)))
      runs.withPlugin.push(await time(make(entry, true)))
    }
    const without = runs.without.map((r) => r.wall)
    const withPlugin = runs.withPlugin.map((r) => r.wall)
    const cpu = (list) => median(list.map((r) => r.cpu))
    // The machine is shared: the median of interleaved runs, with the fastest of each as a check
    // (the fastest is the build itself with the least interference).
    rows[name] = {
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
const throughputLines = [
  `Transform throughput (${t.files} modules of ${(t.bytes / t.files / 1024).toFixed(1)} KB, 3 call sites each: parse, plan, edit, source map; median [min–max] of 5 rounds):`,
  `**${median(t.transform).toFixed(1)} MB/s** [${Math.min(...t.transform).toFixed(1)}–${Math.max(...t.transform).toFixed(1)}] for transform(),`,
  `${median(t.parseSync).toFixed(1)} MB/s [${Math.min(...t.parseSync).toFixed(1)}–${Math.max(...t.parseSync).toFixed(1)}] for a bare \`parseSync\` with its tree read (raw transfer: ${t.raw ? 'on' : 'off, Node < 22'}):`,
  `transform costs **${(median(t.parseSync) / median(t.transform)).toFixed(2)}x** a bare parse (goal on Node >= 22: <= 1.5x).`,
]
// `--throughput`: only that (e.g. for the Node 20 figure beside a Node 22 run), nothing written.
if (process.argv.includes('--throughput')) {
  process.stdout.write(`Node ${process.version}\n${throughputLines.join('\n')}\n`)
  process.exit(0)
}
const results = []
for (const project of PROJECTS) {
  if (ONLY.project && ONLY.project !== project.name) continue
  const entry = await generateProject(`${TMP}${project.name}`, MODULES, project.withCalls)
  results.push({ project, builds: await buildTimes(entry) })
}

const lines = [
  '# Transform benchmark',
  '',
  `Node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(1)} at the end, ${new Date().toISOString().slice(0, 10)}. Produced by \`node bench/transform/run.mjs\`.`,
  '',
  ...throughputLines,
  '',
  `Build of a generated ${MODULES}-module project, ${BUILD_RUNS} interleaved builds each, wall ms as median [min–max]; overhead of the medians (of the fastest runs in parentheses; the machine is shared), and of the median CPU time of this process (esbuild's service process not counted):`,
  '',
  '| project | bundler | without plugin | with unplugin-cacheme | overhead | CPU overhead | goal | |',
  '|---|---|---|---|---|---|---|---|',
  ...results.flatMap(({ project, builds }) => Object.entries(builds).map(([name, r]) =>
    `| ${project.label} | ${name} | ${spread(r.without)} | ${spread(r.withPlugin)} | ${(r.overhead * 100).toFixed(1)} % (${(r.fastestOverhead * 100).toFixed(1)} %) | ${(r.cpuOverhead * 100).toFixed(1)} % | ≤ ${r.goal * 100} % | ${r.overhead <= r.goal ? 'met' : 'not met'} |`,
  )),
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
