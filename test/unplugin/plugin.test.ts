import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build as esbuild } from 'esbuild'
import { rollup } from 'rollup'
import { expect, test } from 'vitest'
import unplugin, { unpluginFactory } from 'unplugin-cacheme'
import esbuildPlugin from 'unplugin-cacheme/esbuild'
import rollupPlugin from 'unplugin-cacheme/rollup'
import { APP } from './cases.js'

const SCENARIO = join(APP, 'src/scenario.js')
const WARNING = /scenario\.js:29:30: cacheme: the template of this cached\(\) call is not a literal/

test('a non-literal template is a build warning with file:line:col (rollup)', async () => {
  const warnings: string[] = []
  const build = await rollup({
    input: SCENARIO,
    external: ['cacheme'],
    plugins: [rollupPlugin()],
    onwarn: (w) => void warnings.push(w.message),
  })
  await build.close()
  expect(warnings.filter((w) => WARNING.test(w))).toHaveLength(1)
})

test('a non-literal template is a build warning with file:line:col (esbuild)', async () => {
  const result = await esbuild({
    entryPoints: [SCENARIO],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    external: ['cacheme'],
    logLevel: 'silent',
    plugins: [esbuildPlugin()],
  })
  const located = result.warnings.map(
    (w) => `${w.location?.file.split('/').pop()}:${w.location?.line}:${(w.location?.column ?? -1) + 1}: ${w.text}`,
  )
  expect(located.filter((w) => WARNING.test(w))).toHaveLength(1)
})

test('include / exclude choose the modules that are transformed', async () => {
  const outputOf = async (options: Parameters<typeof rollupPlugin>[0]) => {
    const build = await rollup({ input: SCENARIO, external: ['cacheme'], plugins: [rollupPlugin(options)], onwarn: () => {} })
    const { output } = await build.generate({ format: 'es' })
    await build.close()
    return output[0].code
  }
  expect(await outputOf({ exclude: /scenario\.js$/ })).not.toContain('__cacheme_comment_id')
  expect(await outputOf({ include: /scenario\.js$/ })).toContain('__cacheme_comment_id')
})

test('the default export is the unplugin instance, and bad options are named', () => {
  expect(typeof unplugin.vite).toBe('function')
  expect(typeof unplugin.rspack).toBe('function')
  expect(() => rollupPlugin(42 as never)).toThrow('unplugin-cacheme: options must be an object like { include, exclude }, got number')
  expect(() => rollupPlugin({ inclde: /x/ } as never)).toThrow("unplugin-cacheme: unknown option 'inclde'; expected include, exclude")
  expect(() => rollupPlugin({ include: 42 } as never)).toThrow(
    'unplugin-cacheme: include must be a string, a RegExp or an array of them, got number 42',
  )
  expect(() => rollupPlugin({ exclude: ['a', null] } as never)).toThrow(
    'unplugin-cacheme: exclude must be a string, a RegExp or an array of them, got an array holding string, null',
  )
})

test('modules without `cached` never reach the transform: hook filter on code, esbuild load filter on sources', () => {
  const options = unpluginFactory(undefined, { framework: 'rollup', versions: {} })
  const transform = options.transform as { filter: { id: { include: RegExp; exclude: RegExp }; code: { include: string } } }
  expect(transform.filter.code.include).toBe('cached')
  expect(transform.filter.id.include.test('/app/src/a.tsx')).toBe(true)
  expect(transform.filter.id.exclude.test('/app/node_modules/x/index.js')).toBe(true)
  const onLoadFilter = options.esbuild!.onLoadFilter!
  expect(['a.ts', 'a.mjs', 'a.jsx', 'a.cts'].every((f) => onLoadFilter.test(f))).toBe(true)
  expect(['a.css', 'a.json', 'a.svg'].some((f) => onLoadFilter.test(f))).toBe(false)
})

test('in watch mode, a module changed to no longer contain `cached` drops its definitions; one touched keeps them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cacheme-watch-'))
  const [a, b] = [join(dir, 'a.js'), join(dir, 'b.js')]
  const options = unpluginFactory(undefined, { framework: 'rollup', versions: {} })
  const handler = (options.transform as { handler: (code: string, id: string) => unknown }).handler
  const watchChange = options.watchChange as (id: string, change: { event: string }) => void
  const errors: string[] = []
  const context = { warn: () => {}, error: (message: string) => void errors.push(message) }
  const define = (ttl: string) => `import { cached } from 'cacheme'\nexport const x = cached('t:<<id>>', (p) => p, { ttl: '${ttl}' })\n`
  try {
    writeFileSync(a, define('1m'))
    handler.call(context, define('1m'), a)
    // Touched, text unchanged: rollup keeps its transform, so the definitions must stay.
    watchChange.call(context, a, { event: 'update' })
    handler.call(context, define('2m'), b)
    expect(errors).toHaveLength(1)
    // Edited to drop its call: the code filter keeps it from the handler; the watcher tells.
    writeFileSync(a, 'export const x = 2\n')
    watchChange.call(context, a, { event: 'update' })
    handler.call(context, define('2m'), b)
    expect(errors).toHaveLength(1)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a source map is made only where the host writes one: vite says so once (dev always maps), webpack / rspack per module, rollup never says', () => {
  const code = "import { cached } from 'cacheme'\nexport const x = cached('m:<<id>>', (p) => p)\n"
  const context = (native?: unknown) => ({
    warn: () => {},
    error: (m: string) => {
      throw new Error(m)
    },
    getNativeBuildContext: native === undefined ? undefined : () => native,
  })
  const mapOf = (
    framework: 'vite' | 'rollup' | 'webpack' | 'rspack',
    setup: (hooks: ReturnType<typeof unpluginFactory>) => void = () => {},
    native?: unknown,
  ) => {
    const hooks = unpluginFactory(undefined, { framework, versions: {} } as never)
    setup(hooks)
    const handler = (hooks.transform as { handler: (code: string, id: string) => { map: unknown } | null }).handler
    return handler.call(context(native), code, '/app/src/m.js')!.map
  }
  const vite = (command: 'build' | 'serve', sourcemap: boolean | 'inline') => (hooks: ReturnType<typeof unpluginFactory>) =>
    (hooks.vite!.configResolved as (config: unknown) => void)({ command, build: { sourcemap } })
  expect(mapOf('vite', vite('build', false))).toBeNull()
  expect(mapOf('vite', vite('build', 'inline'))).toMatchObject({ version: 3 })
  expect(mapOf('vite', vite('serve', false))).toMatchObject({ version: 3 })
  expect(mapOf('rollup')).toMatchObject({ version: 3 })
  expect(mapOf('webpack', undefined, { framework: 'webpack', loaderContext: { sourceMap: false } })).toBeNull()
  expect(mapOf('rspack', undefined, { framework: 'rspack', loaderContext: { sourceMap: true } })).toMatchObject({ version: 3 })
})
