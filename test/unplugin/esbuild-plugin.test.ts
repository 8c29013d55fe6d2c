import { join } from 'node:path'
import { build, type Plugin } from 'esbuild'
import { expect, test } from 'vitest'
import unplugin from 'unplugin-cacheme'
import esbuildPlugin from 'unplugin-cacheme/esbuild'
import { APP } from './cases.js'

const MAIN = join(APP, 'src/main.js')

async function bundle(plugin: Plugin, sourcemap: false | 'inline'): Promise<string> {
  const result = await build({ entryPoints: [MAIN], bundle: true, write: false, format: 'esm', platform: 'node', external: ['cacheme'], logLevel: 'silent', sourcemap, plugins: [plugin] })
  return result.outputFiles[0]!.text
}

test.each([false, 'inline'] as const)('the esbuild plugin builds what unplugin\'s esbuild adapter builds, byte for byte (sourcemap: %s)', async (sourcemap) => {
  const ours = await bundle(esbuildPlugin(), sourcemap)
  expect(ours).toContain('__cacheme_')
  expect(ours).toBe(await bundle(unplugin.esbuild(), sourcemap))
})

test('include / exclude: RegExps are matched by the plugin itself, glob strings go through unplugin', async () => {
  expect(await bundle(esbuildPlugin({ exclude: /scenario\.js$/ }), false)).not.toMatch(/__cacheme_comment_id\b/)
  expect(await bundle(esbuildPlugin({ include: [/scenario\.js$/] }), false)).toMatch(/__cacheme_comment_id\b/)
  expect(await bundle(esbuildPlugin({ exclude: '**/scenario.js' }), false)).not.toMatch(/__cacheme_comment_id\b/)
  expect(() => esbuildPlugin(42 as never)).toThrow('unplugin-cacheme: options must be an object like { include, exclude }, got number')
})
