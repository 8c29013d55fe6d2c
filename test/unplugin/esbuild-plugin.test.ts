import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, context, type Plugin } from 'esbuild'
import { expect, test } from 'vitest'
import unplugin from 'unplugin-cacheme'
import esbuildPlugin from 'unplugin-cacheme/esbuild'
import { APP } from './cases.js'

const MAIN = join(APP, 'src/main.js')

async function bundle(plugin: Plugin, sourcemap: false | 'inline'): Promise<string> {
  const result = await build({
    entryPoints: [MAIN],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    external: ['cacheme'],
    logLevel: 'silent',
    sourcemap,
    plugins: [plugin],
  })
  return result.outputFiles[0]!.text
}

test.each([false, 'inline'] as const)(
  "the esbuild plugin builds what unplugin's esbuild adapter builds, byte for byte (sourcemap: %s)",
  async (sourcemap) => {
    const ours = await bundle(esbuildPlugin(), sourcemap)
    expect(ours).toContain('__cacheme_')
    expect(ours).toBe(await bundle(unplugin.esbuild(), sourcemap))
  },
)

test('include / exclude: RegExps are matched by the plugin itself, glob strings go through unplugin', async () => {
  expect(await bundle(esbuildPlugin({ exclude: /scenario\.js$/ }), false)).not.toMatch(/__cacheme_comment_id\b/)
  expect(await bundle(esbuildPlugin({ include: [/scenario\.js$/] }), false)).toMatch(/__cacheme_comment_id\b/)
  expect(await bundle(esbuildPlugin({ exclude: '**/scenario.js' }), false)).not.toMatch(/__cacheme_comment_id\b/)
  expect(() => esbuildPlugin(42 as never)).toThrow('unplugin-cacheme: options must be an object like { include, exclude }, got number')
})

test.each([
  ['the esbuild plugin', () => esbuildPlugin()],
  ["unplugin's esbuild adapter (glob patterns)", () => esbuildPlugin({ exclude: '**/node_modules/**' })],
])('%s: a rebuild forgets the definitions of a module whose call sites were removed', async (_, plugin) => {
  const dir = mkdtempSync(join(tmpdir(), 'cacheme-esbuild-'))
  const [main, a, b] = ['main.js', 'a.js', 'b.js'].map((name) => join(dir, name)) as [string, string, string]
  const define = (ttl: string) => `import { cached } from 'cacheme'\nexport const x = cached('t:<<id>>', (p) => p, { ttl: '${ttl}' })\n`
  writeFileSync(main, "import './a.js'\nimport './b.js'\n")
  writeFileSync(a, define('1m'))
  writeFileSync(b, 'export const y = 1\n')
  const ctx = await context({
    entryPoints: [main],
    bundle: true,
    write: false,
    format: 'esm',
    external: ['cacheme'],
    logLevel: 'silent',
    plugins: [plugin()],
  })
  try {
    await ctx.rebuild()
    writeFileSync(a, 'export const x = 2\n')
    writeFileSync(b, define('2m'))
    const { errors, outputFiles } = await ctx.rebuild()
    expect(errors).toEqual([])
    expect(outputFiles![0]!.text).toContain('ttl: 12e4')
  } finally {
    await ctx.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('each build error is its own esbuild message at the bad call, with the line for the code frame', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cacheme-esbuild-'))
  const main = join(dir, 'main.ts')
  writeFileSync(
    main,
    "import { cached } from 'cacheme'\nconst f = (p: unknown) => p\nexport const a = cached('a:<<id', f)\nexport const ü = cached('ü:<<>>', f)\n",
  )
  try {
    const failure = await build({
      entryPoints: [main],
      bundle: true,
      write: false,
      format: 'esm',
      external: ['cacheme'],
      logLevel: 'silent',
      plugins: [esbuildPlugin()],
    }).then(
      () => undefined,
      (e: {
        errors: { text: string; location: { file: string; line: number; column: number; length: number; lineText: string } | null }[]
      }) => e,
    )
    expect(
      failure?.errors.map(({ text, location }) => ({
        text: text.split(';')[0],
        file: location?.file.split('/').pop(),
        line: location?.line,
        column: location?.column,
        length: location?.length,
        lineText: location?.lineText,
      })),
    ).toEqual([
      {
        text: "cacheme: template 'a:<<id' has an unclosed '<<' at offset 2",
        file: 'main.ts',
        line: 3,
        column: 27,
        length: 4,
        lineText: "export const a = cached('a:<<id', f)",
      },
      // Columns in UTF-8 bytes, as esbuild counts them: 'ü' is two.
      {
        text: "cacheme: template 'ü:<<>>' has an empty placeholder '<<>>' at offset 2",
        file: 'main.ts',
        line: 4,
        column: 29,
        length: 4,
        lineText: "export const ü = cached('ü:<<>>', f)",
      },
    ])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
