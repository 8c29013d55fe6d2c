// The packages as users get them: `npm pack` each workspace package, install the tarballs in a
// fresh project outside the repository (third-party dependencies come from the registry, or
// npm's cache), then use them there the way the README says. That project is a TypeScript 7
// one, so the install itself checks the peer ranges (issue 16: ERESOLVE under TS 7).
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const WORKSPACES = ['packages/cacheme', 'packages/transform', 'packages/unplugin-cacheme', 'packages/otel']
const OURS = ['cacheme', '@cacheme/transform', 'unplugin-cacheme', '@cacheme/otel']
/** The root's own dev range of a third-party package, so the fresh project uses what the suite uses. */
const rootRange = (name: string): string =>
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies[name]!

interface Packed {
  name: string
  filename: string
  files: { path: string }[]
}

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs a command to its end; never rejects, so a failing one shows its output in the assertion. */
function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stdout,
        stderr: error && typeof error.code !== 'number' ? `${stderr}\n${error.message}` : stderr,
      })
    })
  })
}

/** Runs a command and returns its stdout; a failure throws with everything it printed. */
async function ok(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd)
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.code}\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

// npm through the node that runs the suite (the CI matrix runs it on Node 20, 22 and 24).
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'

let dir: string
let app: string
let packed: Packed[]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cacheme-packaging-'))
  const tarballs = join(dir, 'tarballs')
  mkdirSync(tarballs)
  app = join(dir, 'app')
  mkdirSync(app)
  packed = JSON.parse(
    await ok(NPM, ['pack', '--json', '--pack-destination', tarballs, ...WORKSPACES.flatMap((w) => ['-w', w])], ROOT),
  ) as Packed[]
  const tarball = (name: string) => `file:../tarballs/${packed.find((p) => p.name === name)!.filename}`
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'cacheme-packaging-check',
        private: true,
        type: 'module',
        // A user lists cacheme and the plugin; @cacheme/transform is listed too only because it is not
        // on the registry: its tarball stands in for what `^0.1.0` would resolve to there.
        dependencies: {
          cacheme: tarball('cacheme'),
          'unplugin-cacheme': tarball('unplugin-cacheme'),
          '@cacheme/transform': tarball('@cacheme/transform'),
          // @cacheme/otel as its README says: with the API (its peer) and an SDK of the app's choosing.
          '@cacheme/otel': tarball('@cacheme/otel'),
          '@opentelemetry/api': rootRange('@opentelemetry/api'),
          '@opentelemetry/sdk-metrics': rootRange('@opentelemetry/sdk-metrics'),
          '@opentelemetry/sdk-trace-base': rootRange('@opentelemetry/sdk-trace-base'),
        },
        devDependencies: {
          '@types/node': rootRange('@types/node'),
          esbuild: rootRange('esbuild'),
          typescript: rootRange('typescript7').replace(/^npm:typescript@/, ''),
          vite: rootRange('vite'),
        },
      },
      null,
      2,
    ),
  )
  await ok(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app)
  writeProject()
}, 300_000)

/** The user's sources: one module with an inline cached() call, a vite config, an esbuild script, a tsconfig. */
function writeProject(): void {
  mkdirSync(join(app, 'src'))
  writeFileSync(join(app, 'src/main.ts'), MAIN)
  writeFileSync(
    join(app, 'esbuild.mjs'),
    `import { build } from 'esbuild'
import cacheme from 'unplugin-cacheme/esbuild'
await build({ entryPoints: ['src/main.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: 'out/esbuild.js', plugins: [cacheme()], logLevel: 'warning' })
`,
  )
  writeFileSync(
    join(app, 'vite.config.ts'),
    `import { defineConfig } from 'vite'
import cacheme from 'unplugin-cacheme/vite'

export default defineConfig({
  plugins: [cacheme()],
  build: { ssr: 'src/main.ts', outDir: 'out/vite', emptyOutDir: true },
  logLevel: 'warn',
})
`,
  )
  writeFileSync(
    join(app, 'esbuild.config.ts'),
    "import type { BuildOptions } from 'esbuild'\nimport cacheme from 'unplugin-cacheme/esbuild'\n\nexport const options: BuildOptions = { entryPoints: ['src/main.ts'], plugins: [cacheme()] }\n",
  )
  // The instrumentation's declarations, checked as strictly as the rest.
  writeFileSync(
    join(app, 'src/telemetry.ts'),
    "import { instrument, type Stop } from '@cacheme/otel'\nexport const stop: Stop = instrument()\nstop()\n",
  )
  // CommonJS TypeScript requiring the ES module, as `module: nodenext` allows since TS 5.8.
  writeFileSync(
    join(app, 'src/legacy.cts'),
    "import cacheme = require('cacheme')\nexport const store = cacheme.cached('legacy:<<id>>', (p: { id: string }) => p.id.length)\n",
  )
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: ['node'],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        include: ['vite.config.ts', 'esbuild.config.ts', 'src'],
      },
      null,
      2,
    ),
  )
}

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('the tarballs', () => {
  test('each has its README, LICENSE, package.json and every file its exports name, and no build info', () => {
    expect(packed.map((p) => p.name).sort()).toEqual([...OURS].sort())
    for (const pack of packed) {
      const files = new Set(pack.files.map((f) => f.path))
      expect(
        [...files].filter((f) => f.endsWith('.tsbuildinfo')),
        pack.name,
      ).toEqual([])
      for (const file of ['README.md', 'LICENSE', 'package.json']) expect(files.has(file), `${pack.name}: ${file}`).toBe(true)
      const manifest = JSON.parse(readFileSync(join(app, 'node_modules', pack.name, 'package.json'), 'utf8')) as {
        exports: Record<string, string | Record<string, string>>
        license: string
      }
      expect(manifest.license).toBe('MIT')
      for (const [entry, target] of Object.entries(manifest.exports)) {
        for (const path of typeof target === 'string' ? [target] : Object.values(target)) {
          expect(files.has(path.replace(/^\.\//, '')), `${pack.name} exports ${entry}: ${path}`).toBe(true)
        }
      }
    }
  })

  test('our packages depend on each other by version range, and the install links them to one copy each', () => {
    for (const name of OURS) {
      const manifest = JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>
        peerDependencies?: Record<string, string>
      }
      for (const [dependency, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
        if (OURS.includes(dependency)) expect(range, `${name} → ${dependency}`).toMatch(/^\^\d/)
      }
    }
    expect(existsSync(join(app, 'node_modules/@cacheme/otel/node_modules/cacheme'))).toBe(false)
    // Nested copies would mean a range our tarball did not satisfy, resolved from the registry.
    expect(existsSync(join(app, 'node_modules/@cacheme/transform/node_modules/cacheme'))).toBe(false)
    expect(existsSync(join(app, 'node_modules/unplugin-cacheme/node_modules/@cacheme/transform'))).toBe(false)
  })
})

/** A get on the embedded memory backend (the default client before configure()), twice. */
const GET = `
  const fetched = []
  const greetings = cached('greeting:<<name>>', ({ name }) => { fetched.push(name); return 'hello ' + name }, '1m')
  const first = await greetings.get({ name: 'ada' })
  const second = await greetings.get({ name: 'ada' })
  console.log(JSON.stringify({ first, second, fetched, key: greetings.key({ name: 'ada' }) }))
`
const GOT = { first: 'hello ada', second: 'hello ada', fetched: ['ada'], key: 'cacheme:greeting:ada:v1' }

describe('cacheme', () => {
  test('import: a cached() get on the memory backend fetches once, then hits', async () => {
    writeFileSync(join(app, 'esm.mjs'), `import { cached } from 'cacheme'\n${GET}`)
    expect(JSON.parse(await ok(process.execPath, ['esm.mjs'], app))).toEqual(GOT)
  })

  test('require: the same, through require(esm), and it is the very module import() loads', async () => {
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const { cached } = require('cacheme')\n;(async () => {\n${GET}\n  if (require('cacheme') !== await import('cacheme')) throw new Error('require() and import() loaded two copies')\n})()\n`,
    )
    const result = await run(process.execPath, ['cjs.cjs'], app)
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual(GOT)
  })
})

describe('@cacheme/otel', () => {
  test('never imports cacheme at run time: the diagnostics channels are the interface, cacheme a peer', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/@cacheme/otel/package.json'), 'utf8')) as {
      dependencies?: object
      peerDependencies: Record<string, string>
    }
    expect(manifest.dependencies).toBeUndefined()
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['@opentelemetry/api', 'cacheme'])
    for (const file of ['index.js', 'instrument.js', 'options.js']) {
      expect(readFileSync(join(app, 'node_modules/@cacheme/otel/dist', file), 'utf8'), file).not.toMatch(
        /from ['"]cacheme['"]|import\(['"]cacheme['"]\)/,
      )
    }
  })

  test('imports and instruments: a get twice on the memory backend shows in the real SDK as metrics and spans', async () => {
    writeFileSync(
      join(app, 'otel.mjs'),
      `import { instrument } from '@cacheme/otel'
import { cached } from 'cacheme'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'

class ManualReader extends MetricReader {
  async onShutdown() {}
  async onForceFlush() {}
}
const reader = new ManualReader()
const meterProvider = new MeterProvider({ readers: [reader] })
const exporter = new InMemorySpanExporter()
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const stop = instrument({ meterProvider, tracerProvider })

const greetings = cached('greeting:<<name>>', ({ name }) => 'hello ' + name, { ttl: '1m', name: 'greeting' })
await greetings.get({ name: 'ada' })
await greetings.get({ name: 'ada' })
stop()

const { resourceMetrics } = await reader.collect()
const metrics = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics)
const operations = {}
for (const point of metrics.find((m) => m.descriptor.name === 'cacheme.operations')?.dataPoints ?? []) {
  operations[point.attributes['cacheme.store'] + ' ' + point.attributes['cacheme.op']] = point.value
}
const durations = metrics.find((m) => m.descriptor.name === 'cacheme.fetch.duration')?.dataPoints.map((p) => p.value.count)
console.log(JSON.stringify({ operations, durations, spans: exporter.getFinishedSpans().map((s) => s.name) }))
`,
    )
    const result = await run(process.execPath, ['otel.mjs'], app)
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({
      operations: { 'greeting MISS': 1, 'greeting FETCH': 1, 'greeting HIT': 1 },
      durations: [1],
      spans: ['cacheme.fetch greeting', 'cacheme.get greeting', 'cacheme.get greeting'],
    })
  })
})

const MAIN = `import { cached } from 'cacheme'

export async function greet(name: string): Promise<string> {
  return cached('greeting:<<name>>', (p: { name: string }) => 'hello ' + p.name, '1m').get({ name })
}

console.log(await greet('ada'))
`

describe('@cacheme/transform and unplugin-cacheme', () => {
  test('transform() rewrites a call site; the tsc entry requires as ts-patch loads it', async () => {
    writeFileSync(
      join(app, 'transform.mjs'),
      `import { transform } from '@cacheme/transform'
import { createRequire } from 'node:module'
const result = transform(${JSON.stringify(MAIN)}, '/app/src/main.ts')
const tsc = createRequire(import.meta.url)('@cacheme/transform/tsc')
console.log(JSON.stringify({ hoisted: result.code.includes('__cacheme_'), diagnostics: result.diagnostics, tsc: typeof tsc.default }))
`,
    )
    expect(JSON.parse(await ok(process.execPath, ['transform.mjs'], app))).toEqual({ hoisted: true, diagnostics: [], tsc: 'function' })
  })

  test('an esbuild build and a vite build with the plugin: the call site is specialised and the bundle runs', async () => {
    await ok(process.execPath, ['esbuild.mjs'], app)
    await ok(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], app)
    for (const bundle of ['out/esbuild.js', 'out/vite/main.js']) {
      expect(readFileSync(join(app, bundle), 'utf8'), bundle).toContain('__cacheme_')
      expect(await ok(process.execPath, [bundle], app), bundle).toBe('hello ada\n')
    }
  })

  // Issue 16: without skipLibCheck, every declaration file a user's config reaches is checked,
  // so our d.ts must reach only packages the project has (here: vite, and our own).
  test.each([
    ['5.9', join(ROOT, 'node_modules/typescript/bin/tsc')],
    ['6', join(ROOT, 'node_modules/typescript6/bin/tsc')],
    ["7 (the project's own)", 'node_modules/typescript/bin/tsc'],
  ])(
    'vite.config.ts, an esbuild config and the sources (ESM, CommonJS requiring cacheme, @cacheme/otel) type-check without skipLibCheck on TypeScript %s',
    async (_, tsc) => {
      const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], app)
      expect(result.stdout + result.stderr).toBe('')
      expect(result.code).toBe(0)
    },
    180_000,
  ) // tsc 5.9 / 6 on vite's and node's declarations: ~9 s alone, several times that on a busy machine
})
