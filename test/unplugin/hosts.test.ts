import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, inject, test } from 'vitest'
import { createServer } from 'vite'
import vitePlugin from 'unplugin-cacheme/vite'
import { APP } from './cases.js'
import { BUNDLERS, OUT_ROOT, bundle } from './hosts.js'
import { explodeApp, keysOf, runApp, type AppRun } from './run-app.js'
import { TYPESCRIPTS, runTspc, tspc, type TypeScriptVersion } from './tspc.js'

const { url } = inject('redis').standalone
const prefix = () => `hosts-${randomUUID()}`
const MAIN = join(APP, 'src/main.js')
/** The line of `throw` in app/src/scenario.js, which a transformed build's stack must still name. */
const THROW_LINE = /scenario\.js:79:\d+/

let source: AppRun
beforeAll(async () => {
  source = await runApp(MAIN, url, prefix())
  expect(source.lines.length).toBeGreaterThan(10)
})

/** The output was rewritten (module-level stores exist), runs like the source, and maps errors back. */
async function expectLikeSource(outFile: string, transformedFile = outFile) {
  expect(await readFile(transformedFile, 'utf8')).toContain('__cacheme_comment_id')
  expect(await runApp(outFile, url, prefix())).toEqual(source)
  expect(await explodeApp(outFile, url, prefix())).toMatch(THROW_LINE)
}

describe.each(BUNDLERS)('%s', (bundler) => {
  test('the built app behaves exactly like the untransformed source', async () => {
    await expectLikeSource(await bundle(bundler, MAIN, join(OUT_ROOT, bundler)))
  })
})

test.each(Object.keys(TYPESCRIPTS) as TypeScriptVersion[])(
  'tspc (ts-patch 3) on TypeScript %s: the compiled app behaves like the source',
  async (version) => {
    expect((await runTspc(version, ['--version'])).output).toContain(`Version ${version}.`)
    const outDir = join(OUT_ROOT, `tspc-${version}`)
    const result = await tspc(version, join(APP, 'tsconfig.json'), outDir)
    expect(result.output).toContain('scenario.js:29:30 - warning TS9871: cacheme: the template of this cached() call is not a literal')
    expect(result.code).toBe(0)
    await expectLikeSource(join(outDir, 'main.js'), join(outDir, 'scenario.js'))
  },
)

test("vite's dev server transforms modules on request, and they behave like the source", async () => {
  const server = await createServer({
    configFile: false,
    root: APP,
    logLevel: 'silent',
    appType: 'custom',
    plugins: [vitePlugin()],
    server: { middlewareMode: true, hmr: false, ws: false },
    ssr: { external: ['cacheme'] },
  })
  try {
    for (const ssr of [false, true]) {
      expect((await server.transformRequest('/src/scenario.js', { ssr }))!.code).toContain('__cacheme_comment_id')
    }
    const scenario = await server.ssrLoadModule('/src/scenario.js')
    const runPrefix = prefix()
    const result = JSON.parse(JSON.stringify(await scenario.run(url, runPrefix)))
    expect({ ...result, keys: await keysOf(url, runPrefix) }).toEqual(source)
  } finally {
    await server.close()
  }
})
