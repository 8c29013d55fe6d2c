import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build as esbuild } from 'esbuild'
import { rolldown } from 'rolldown'
import { rollup } from 'rollup'
import { build as viteBuild } from 'vite'
import webpack from 'webpack'
import { rspack } from '@rspack/core'
import esbuildPlugin from 'unplugin-cacheme/esbuild'
import rolldownPlugin from 'unplugin-cacheme/rolldown'
import rollupPlugin from 'unplugin-cacheme/rollup'
import rspackPlugin from 'unplugin-cacheme/rspack'
import vitePlugin from 'unplugin-cacheme/vite'
import webpackPlugin from 'unplugin-cacheme/webpack'

/** Where built outputs go: inside the repository, so `import 'cacheme'` resolves. */
export const OUT_ROOT = fileURLToPath(new URL('../../node_modules/.cache/cacheme-hosts/', import.meta.url))

export type Bundler = 'vite' | 'esbuild' | 'rollup' | 'rolldown' | 'webpack' | 'rspack'
export const BUNDLERS: Bundler[] = ['vite', 'esbuild', 'rollup', 'rolldown', 'webpack', 'rspack']

/**
 * Bundles `entry` for Node (ESM, 'cacheme' external, source maps) with unplugin-cacheme, or
 * without it when `plugin` is false; resolves to the output file, rejects with the build's errors.
 */
export async function bundle(bundler: Bundler, entry: string, outDir: string, plugin = true): Promise<string> {
  await rm(outDir, { recursive: true, force: true })
  await mkdir(outDir, { recursive: true })
  const outFile = join(outDir, 'main.mjs')
  await BUILDERS[bundler](entry, outDir, outFile, plugin)
  return outFile
}

type Builder = (entry: string, outDir: string, outFile: string, plugin: boolean) => Promise<void>

const BUILDERS: Record<Bundler, Builder> = {
  async esbuild(entry, _outDir, outfile, plugin) {
    await esbuild({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: ['cacheme'],
      sourcemap: true,
      logLevel: 'silent',
      plugins: plugin ? [esbuildPlugin()] : [],
    })
  },
  async rollup(entry, _outDir, file, plugin) {
    const build = await rollup({ input: entry, external: ['cacheme'], plugins: plugin ? [rollupPlugin()] : [], onwarn: () => {} })
    await build.write({ file, format: 'es', sourcemap: true })
    await build.close()
  },
  async rolldown(entry, _outDir, file, plugin) {
    const build = await rolldown({
      input: entry,
      external: ['cacheme'],
      platform: 'node',
      plugins: plugin ? [rolldownPlugin()] : [],
      onwarn: () => {},
    })
    await build.write({ file, format: 'es', sourcemap: true })
    await build.close()
  },
  async vite(entry, outDir, _outFile, plugin) {
    await viteBuild({
      configFile: false,
      logLevel: 'silent',
      root: outDir,
      plugins: plugin ? [vitePlugin()] : [],
      build: {
        ssr: entry,
        outDir,
        emptyOutDir: false,
        sourcemap: true,
        minify: false,
        rollupOptions: { output: { entryFileNames: 'main.mjs' } },
      },
    })
  },
  async webpack(entry, outDir, _outFile, plugin) {
    await runWebpackLike(webpack as unknown as WebpackLike, {
      ...webpackLikeConfig(entry, outDir),
      plugins: plugin ? [webpackPlugin()] : [],
    })
  },
  async rspack(entry, outDir, _outFile, plugin) {
    await runWebpackLike(rspack as unknown as WebpackLike, { ...webpackLikeConfig(entry, outDir), plugins: plugin ? [rspackPlugin()] : [] })
  },
}

function webpackLikeConfig(entry: string, outDir: string) {
  return {
    mode: 'none' as const,
    target: 'node20',
    entry,
    devtool: 'source-map',
    context: outDir,
    output: { path: outDir, filename: 'main.mjs', module: true, chunkFormat: 'module', library: { type: 'module' } },
    experiments: { outputModule: true },
    externalsType: 'module',
    externals: { cacheme: 'cacheme' },
    optimization: { minimize: false, concatenateModules: false },
    infrastructureLogging: { level: 'none' as const },
    stats: 'none' as const,
  }
}

interface WebpackStats {
  hasErrors(): boolean
  toJson(options: unknown): { errors?: { message: string }[] }
}
type WebpackLike = (config: object) => {
  run(cb: (err: Error | null, stats?: WebpackStats) => void): void
  close(cb: (err?: Error | null) => void): void
}

async function runWebpackLike(create: WebpackLike, config: object): Promise<void> {
  const compiler = create(config)
  const stats = await promisify(compiler.run.bind(compiler))()
  await promisify(compiler.close.bind(compiler))()
  if (stats?.hasErrors())
    throw new Error(
      stats
        .toJson({ errors: true })
        .errors!.map((e) => e.message)
        .join('\n'),
    )
}
