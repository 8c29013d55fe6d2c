/**
 * The rollup and webpack setups of docs/build-plugin.md, as written there, build a TypeScript
 * project: the config blocks are read from the doc, written as config files of a small project
 * and built by a child process in that project's directory (as `rollup -c` / `webpack` would
 * run them); the output is rewritten and runs like the source.
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, expect, test } from 'vitest'

const DOC = fileURLToPath(new URL('../../docs/build-plugin.md', import.meta.url))
/** Outside node_modules (the docs' rules exclude it) and inside the repository, so `cacheme` resolves. */
const ROOT = fileURLToPath(new URL('../../.cache/docs-examples/', import.meta.url))

/** The fenced block of the doc whose first line is `// <name>`. */
async function docBlock(name: string): Promise<string> {
  const doc = await readFile(DOC, 'utf8')
  const block = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.startsWith(`// ${name}`))
  if (block === undefined) throw new Error(`docs/build-plugin.md has no js block starting with // ${name}`)
  return block
}

/** TypeScript as written: types, an interface, a `.js` import of a `.ts` file, inline call sites. */
const SOURCES: Record<string, string> = {
  'src/db.ts': `export interface User { id: string; name: string }
export const reads: string[] = []
export async function loadUser({ id }: { id: string }): Promise<User> {
  reads.push(id)
  return { id, name: id.toUpperCase() }
}
`,
  'src/main.ts': `import { cached, configure } from 'cacheme'
import { loadUser, reads, type User } from './db.js'

configure({ prefix: 'docs' })

async function profile(id: string): Promise<{ user: User; again: User }> {
  const user = await cached('user:<<id>>', loadUser, '1m').get({ id })
  const again = await cached('user:<<id>>', (p: { id: string }) => loadUser(p), '1m').get({ id })
  return { user, again }
}

const result = { ada: await profile('ada'), bob: await profile('bob'), reads }
process.stdout.write(JSON.stringify(result), () => process.exit(0))
`,
  'tsconfig.json': JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, skipLibCheck: true, types: ['node'] },
    include: ['src'],
  }),
}

/** Builds with the doc's config from the project directory; what runs there besides the doc's lines is said in each. */
const BUILDS = {
  rollup: {
    config: 'rollup.config.js',
    // The doc's config, plus `cacheme` external (rollup would warn that it can't resolve it).
    // Any warning fails, but the import of `cached` that the transform left unused.
    script: `import { rollup } from 'rollup'
import config from './config.mjs'
const onwarn = (w) => { if (w.code !== 'UNUSED_EXTERNAL_IMPORT') throw new Error(w.message) }
const bundle = await rollup({ ...config, external: ['cacheme'], onwarn })
await bundle.write(config.output)
await bundle.close()
`,
    output: 'dist/main.js',
  },
  webpack: {
    config: 'webpack.config.js',
    // The doc's config, plus what running the bundle in Node as an ES module takes.
    script: `import { resolve } from 'node:path'
import webpack from 'webpack'
import config from './config.mjs'
const compiler = webpack({
  ...config, mode: 'none', target: 'node22', devtool: false,
  output: { path: resolve('dist'), filename: 'main.mjs', module: true, chunkFormat: 'module' },
  experiments: { outputModule: true, topLevelAwait: true }, externalsType: 'module', externals: { cacheme: 'cacheme' },
  optimization: { minimize: false }, infrastructureLogging: { level: 'none' },
})
const stats = await new Promise((ok, fail) => compiler.run((error, stats) => (error ? fail(error) : ok(stats))))
await new Promise((ok) => compiler.close(ok))
if (stats.hasErrors() || stats.hasWarnings()) throw new Error(stats.toString({ all: false, errors: true, warnings: true }))
`,
    output: 'dist/main.mjs',
  },
} as const

const run = promisify(execFile)

async function writeProject(dir: string, files: Record<string, string>): Promise<void> {
  await rm(dir, { recursive: true, force: true })
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true })
    await writeFile(join(dir, name), text)
  }
}

let expected: unknown
beforeAll(async () => {
  // What the source does: built by esbuild without the plugin (types stripped, nothing rewritten).
  const { build } = await import('esbuild')
  const dir = join(ROOT, 'source')
  await writeProject(dir, SOURCES)
  await build({
    entryPoints: [join(dir, 'src/main.ts')],
    outfile: join(dir, 'dist/main.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    external: ['cacheme'],
    logLevel: 'silent',
  })
  expected = JSON.parse((await run(process.execPath, [join(dir, 'dist/main.mjs')])).stdout)
  expect(expected).toMatchObject({ reads: ['ada', 'bob'] })
})

test.each(Object.keys(BUILDS) as (keyof typeof BUILDS)[])(
  'the %s setup of docs/build-plugin.md builds TypeScript as written, and the build runs like the source',
  async (bundler) => {
    const { config, script, output } = BUILDS[bundler]
    const dir = join(ROOT, bundler)
    await writeProject(dir, { ...SOURCES, 'config.mjs': await docBlock(config), 'build.mjs': script })
    await run(process.execPath, ['build.mjs'], { cwd: dir })
    const built = await readFile(join(dir, output), 'utf8')
    expect(built).toContain('__cacheme_user_id')
    expect(built).not.toMatch(/: Promise<|interface User/)
    expect(JSON.parse((await run(process.execPath, [join(dir, output)])).stdout)).toEqual(expected)
  },
  120_000,
)
