// Before/after of the compiler in one process: another build of @cacheme/transform (e.g. main's) against this one,
// interleaved, by CPU time. Prints, writes nothing. Run after `npm run build`:
//   node bench/transform/ab.mjs <dir of the other build's dist>     (build it with `npx tsc -p packages/transform/tsconfig.json
//                                                                    --outDir <dir>` in a checkout of the other commit)
// 1. transform() throughput, with its source map read and without, against a bare oxc parse of the same 200 modules
//    (its tree read: raw transfer deserializes all of it on Node >= 22; the lazy parse is shown for scale);
// 2. rolldown builds of the 1,000-module project with 1 module in 10 calling cached(): no plugin, and a plugin with
//    unplugin-cacheme's hook (the code filter, a transformer per build, code and map returned) on each build.
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseSync, rawTransferSupported } from 'oxc-parser'
import { rolldown } from 'rolldown'
import * as after from '@cacheme/transform'
import { generateProject, moduleSource } from './project.mjs'

if (!process.argv[2]) throw new Error('usage: node bench/transform/ab.mjs <dir of the other build of @cacheme/transform>')
const before = await import(pathToFileURL(resolve(process.argv[2], 'index.js')).href)
const median = (list) => [...list].sort((a, b) => a - b)[list.length >> 1]
const cpu = (fn) => {
  const start = process.cpuUsage()
  fn()
  const used = process.cpuUsage(start)
  return used.user + used.system
}

const modules = Array.from({ length: 200 }, (_, i) => moduleSource(i))
const bytes = modules.reduce((n, code) => n + Buffer.byteLength(code), 0)
const raw = rawTransferSupported()
const contestants = {
  parseSync: (code, j) => parseSync(`m${j}.js`, code, { sourceType: 'module', experimentalRawTransfer: raw }).program,
  'before, map read': (code, j) => before.transform(code, `m${j}.js`).map,
  'after, map read': (code, j) => after.transform(code, `m${j}.js`).map,
  'before, sourceMap: false': (code, j) => before.transform(code, `m${j}.js`, { sourceMap: false }),
  'after, map not read': (code, j) => after.transform(code, `m${j}.js`),
}
// For scale: what the lazy tree itself costs (no node read but the errors).
if (raw)
  contestants['parseSync, lazy'] = (code, j) => {
    const parsed = parseSync(`m${j}.js`, code, { sourceType: 'module', experimentalLazy: true })
    const errors = parsed.errors.length
    parsed.dispose()
    return errors
  }
const rates = Object.fromEntries(Object.keys(contestants).map((name) => [name, []]))
// Rounds of 10 x 200 modules: shorter ones are mostly a garbage collection or none.
for (let round = 0; round < 13; round++) {
  for (const [name, run] of Object.entries(contestants)) {
    const used = cpu(() => {
      for (let pass = 0; pass < 10; pass++) modules.forEach(run)
    })
    if (round > 0) rates[name].push((bytes * 10) / used)
  }
}
process.stdout.write(
  `Node ${process.version}, raw transfer ${raw ? 'on' : 'off'}: transform() throughput, 12 interleaved rounds of 10 x 200 modules (after a warm-up), MB/s by CPU time, median [min–max]\n`,
)
for (const [name, list] of Object.entries(rates)) {
  process.stdout.write(
    `  ${name.padEnd(26)} ${median(list).toFixed(1)} [${Math.min(...list).toFixed(1)}–${Math.max(...list).toFixed(1)}]   ${(median(rates.parseSync) / median(list)).toFixed(2)}x a bare parse (fastest rounds: ${(Math.max(...rates.parseSync) / Math.max(...list)).toFixed(2)}x)\n`,
  )
}

const entry = await generateProject(fileURLToPath(new URL('../.tmp/transform/ab-mixed', import.meta.url)), 1000, (i) => i % 10 === 0)
const plugin = (compiler) => () => {
  const transformer = compiler.createTransformer()
  return {
    name: 'unplugin-cacheme',
    transform: {
      filter: { code: { include: 'cached' } },
      handler: (code, id) => {
        const result = transformer.transform(code, id)
        return result && { code: result.code, map: result.map }
      },
    },
  }
}
const variants = { 'no plugin': undefined, before: plugin(before), after: plugin(after) }
const build = async (make) => {
  const bundle = await rolldown({
    input: entry,
    external: ['cacheme'],
    platform: 'node',
    logLevel: 'silent',
    plugins: make ? [make()] : [],
  })
  await bundle.generate({ format: 'es' })
  await bundle.close()
}
const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]))
for (const make of Object.values(variants)) await build(make)
for (let i = 0; i < 15; i++) {
  for (const [name, make] of Object.entries(variants)) {
    const start = process.cpuUsage()
    await build(make)
    const used = process.cpuUsage(start)
    times[name].push((used.user + used.system) / 1e3)
  }
}
process.stdout.write(
  `rolldown, 1,000 modules, 1 in 10 with call sites, 15 interleaved builds each (after a warm-up), CPU ms of this process, median [min–max]\n`,
)
for (const [name, list] of Object.entries(times)) {
  const overhead =
    name === 'no plugin'
      ? ''
      : `   overhead ${((median(list) / median(times['no plugin']) - 1) * 100).toFixed(1)} % (fastest builds: ${((Math.min(...list) / Math.min(...times['no plugin']) - 1) * 100).toFixed(1)} %)`
  process.stdout.write(
    `  ${name.padEnd(10)} ${median(list).toFixed(0)} [${Math.min(...list).toFixed(0)}–${Math.max(...list).toFixed(0)}]${overhead}\n`,
  )
}
