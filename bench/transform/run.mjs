// The compiler's benchmark: transform throughput, and the build time of a generated 1,000-module
// project with and without unplugin-cacheme (esbuild, rolldown). Run after `npm run build`:
//   node bench/transform/run.mjs
// Prints the numbers and the overhead against the goals; writes bench/results/transform.md.
import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { build as esbuild } from 'esbuild'
import { rolldown } from 'rolldown'
import { transform } from '@cacheme/transform'
import esbuildPlugin from 'unplugin-cacheme/esbuild'
import rolldownPlugin from 'unplugin-cacheme/rolldown'
import { generateProject, moduleSource } from './project.mjs'

/** Two shapes: a tenth of the modules call cached() (a typical app; the goals apply), and all do. */
const PROJECTS = [
  { name: 'mixed', label: '1 module in 10 with call sites', withCalls: (i) => i % 10 === 0 },
  { name: 'all', label: 'every module with call sites (worst case)', withCalls: () => true },
]

const MODULES = 1000
const BUILD_RUNS = 7
const TMP = fileURLToPath(new URL('../.tmp/transform/', import.meta.url))
const RESULTS = fileURLToPath(new URL('../results/transform.md', import.meta.url))
const GOALS = { esbuild: 0.5, rolldown: 0.15 }

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

async function time(fn) {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

function throughput() {
  const modules = Array.from({ length: 200 }, (_, i) => moduleSource(i))
  const bytes = modules.reduce((n, code) => n + Buffer.byteLength(code), 0)
  for (let i = 0; i < 3; i++) modules.forEach((code, j) => transform(code, `m${j}.js`))
  const rounds = 10
  const start = process.hrtime.bigint()
  for (let i = 0; i < rounds; i++) modules.forEach((code, j) => transform(code, `m${j}.js`))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return { mbPerSecond: (bytes * rounds) / seconds / 1e6, bytes, files: modules.length }
}

const builders = {
  esbuild: (entry, plugin) => () =>
    esbuild({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'node', external: ['cacheme'], logLevel: 'silent', plugins: plugin ? [esbuildPlugin()] : [] }),
  rolldown: (entry, plugin) => async () => {
    const bundle = await rolldown({ input: entry, external: ['cacheme'], platform: 'node', logLevel: 'silent', plugins: plugin ? [rolldownPlugin()] : [] })
    await bundle.generate({ format: 'es' })
    await bundle.close()
  },
}

async function buildTimes(entry) {
  const rows = {}
  for (const [name, make] of Object.entries(builders)) {
    const without = []
    const withPlugin = []
    await make(entry, false)()
    await make(entry, true)()
    for (let i = 0; i < BUILD_RUNS; i++) {
      without.push(await time(make(entry, false)))
      withPlugin.push(await time(make(entry, true)))
    }
    // The machine is shared: the fastest of the interleaved runs is the cost of the build itself,
    // the median shows what the noise around it looked like.
    const base = Math.min(...without)
    const plugged = Math.min(...withPlugin)
    rows[name] = { without: base, with: plugged, overhead: plugged / base - 1, goal: GOALS[name], medians: [median(without), median(withPlugin)] }
  }
  return rows
}

const t = throughput()
const results = []
for (const project of PROJECTS) {
  const entry = await generateProject(`${TMP}${project.name}`, MODULES, project.withCalls)
  results.push({ project, builds: await buildTimes(entry) })
}

const lines = [
  '# Transform benchmark',
  '',
  `Node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(1)} at the end, ${new Date().toISOString().slice(0, 10)}. Produced by \`node bench/transform/run.mjs\`.`,
  '',
  `Transform throughput: **${t.mbPerSecond.toFixed(1)} MB/s** (${t.files} modules of ${(t.bytes / t.files / 1024).toFixed(1)} KB, 3 call sites each: parse, plan, edit, source map).`,
  '',
  `Build of a generated ${MODULES}-module project: fastest of ${BUILD_RUNS} interleaved builds each (median in parentheses; the machine is shared, so medians carry other processes' load):`,
  '',
  '| project | bundler | without plugin | with unplugin-cacheme | overhead | goal | |',
  '|---|---|---|---|---|---|---|',
  ...results.flatMap(({ project, builds }) => Object.entries(builds).map(([name, r]) =>
    `| ${project.label} | ${name} | ${r.without.toFixed(0)} ms (${r.medians[0].toFixed(0)}) | ${r.with.toFixed(0)} ms (${r.medians[1].toFixed(0)}) | ${(r.overhead * 100).toFixed(1)} % | ≤ ${r.goal * 100} % | ${r.overhead <= r.goal ? 'met' : 'not met'} |`,
  )),
  '',
]
const report = lines.join('\n')
process.stdout.write(report)
await mkdir(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true })
await writeFile(RESULTS, report)
