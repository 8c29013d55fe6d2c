// unplugin-cacheme's per-bundler entries as config files use them, type-checked with skipLibCheck
// false: each entry's declarations name only its own bundler's types (unplugin's own d.ts, which
// the root entry exposes, imports every bundler it supports: farm, bun, rsbuild, …).
import type { BuildOptions, Plugin as EsbuildPlugin } from 'esbuild'
import type { Configuration as RspackConfiguration, RspackPluginInstance } from '@rspack/core'
import type { RolldownOptions, Plugin as RolldownPlugin } from 'rolldown'
import type { RollupOptions, Plugin as RollupPlugin } from 'rollup'
import type { Plugin as VitePlugin, UserConfig } from 'vite'
import type { Configuration as WebpackConfiguration, WebpackPluginInstance } from 'webpack'
import esbuildPlugin from 'unplugin-cacheme/esbuild'
import rolldownPlugin from 'unplugin-cacheme/rolldown'
import rollupPlugin from 'unplugin-cacheme/rollup'
import rspackPlugin from 'unplugin-cacheme/rspack'
import vitePlugin from 'unplugin-cacheme/vite'
import webpackPlugin from 'unplugin-cacheme/webpack'
import { expectType, type Equal } from './assert.js'

export const vite: UserConfig = { plugins: [vitePlugin()] }
export const esbuild: BuildOptions = { entryPoints: ['src/main.ts'], bundle: true, plugins: [esbuildPlugin({ include: /\.ts$/ })] }
export const rollup: RollupOptions = { input: 'src/main.ts', plugins: [rollupPlugin()] }
export const rolldown: RolldownOptions = { input: 'src/main.ts', plugins: [rolldownPlugin({ exclude: ['**/*.test.ts'] })] }
export const webpack: WebpackConfiguration = { entry: './src/main.ts', plugins: [webpackPlugin()] }
export const rspack: RspackConfiguration = { entry: './src/main.ts', plugins: [rspackPlugin({ include: [/\.ts$/, 'src/**'] })] }

expectType<Equal<ReturnType<typeof vitePlugin>, VitePlugin>>(true)
expectType<Equal<ReturnType<typeof esbuildPlugin>, EsbuildPlugin>>(true)
expectType<Equal<ReturnType<typeof rollupPlugin>, RollupPlugin>>(true)
expectType<Equal<ReturnType<typeof rolldownPlugin>, RolldownPlugin>>(true)
expectType<Equal<ReturnType<typeof webpackPlugin>, WebpackPluginInstance>>(true)
expectType<Equal<ReturnType<typeof rspackPlugin>, RspackPluginInstance>>(true)

// @ts-expect-error: not an option
rspackPlugin({ includes: /\.ts$/ })
// @ts-expect-error: a pattern is a string or a RegExp
vitePlugin({ exclude: 42 })
