import { readFileSync } from 'node:fs'
import { createTransformer } from '@cacheme/transform'
import { createUnplugin, type UnpluginFactory } from 'unplugin'
import { DevGraph, type DevServer } from './dev-graph.js'
import { messagesOf } from './messages.js'
import { checkOptions, NODE_MODULES, SOURCES, type Options } from './options.js'

export type { Options }

/**
 * The build plugin: each module's `cached()` calls become module-level stores. One transformer
 * (and its registry of definitions, for conflicts across modules) lives as long as the plugin
 * instance, i.e. one build or one watch / dev session; re-transformed modules replace their
 * entries, and modules deleted or edited to no longer contain `cached` drop them. esbuild is the
 * exception: it loads every module again on each rebuild, so there every build starts a new transformer.
 */
export const unpluginFactory: UnpluginFactory<Options | undefined, false> = (input, meta) => {
  const options = checkOptions(input)
  // In vite's dev server, modules dropped from the module graph stop counting for conflicts.
  const devGraph = new DevGraph()
  const newTransformer = () => createTransformer({ counts: (file) => devGraph.counts(file) })
  let transformer = newTransformer()
  // Whether the host writes source maps. vite says it once (a build without `build.sourcemap`
  // writes none; its dev server always maps); webpack and rspack say it per module (a loader's
  // `sourceMap`); rollup and rolldown don't tell a transform hook, so there a map is always made.
  let viteMaps = true
  return {
    name: 'unplugin-cacheme',
    enforce: 'pre',
    buildStart() {
      if (meta.framework === 'esbuild') transformer = newTransformer()
    },
    transform: {
      filter: {
        id: { include: options.include ?? SOURCES, exclude: options.exclude ?? NODE_MODULES },
        code: { include: 'cached' },
      },
      handler(code, id) {
        const file = id.replace(/\?.*$/, '')
        devGraph.noteTransformed(file)
        const sourceMap = meta.framework === 'vite' ? viteMaps : loaderMaps(this)
        const result = transformer.transform(code, file, { sourceMap })
        if (!result) return null
        const { warnings, error } = messagesOf(result.diagnostics)
        for (const warning of warnings) this.warn(warning)
        if (error !== undefined) this.error(error)
        return { code: result.code, map: result.map }
      },
    },
    // The handler replaces a re-transformed module's definitions, but the hook filter keeps a
    // module without `cached` from it: one deleted, or changed to no longer contain `cached`,
    // drops them here. (Any other change may not be transformed again: rollup keeps the result
    // for unchanged text.)
    watchChange(id, change) {
      if (change.event === 'delete' || !containsCached(id)) transformer.forget(id)
    },
    vite: {
      configResolved(config) {
        viteMaps = config.command === 'serve' || Boolean(config.build.sourcemap)
      },
      configureServer(server) {
        devGraph.attach(server as unknown as DevServer)
      },
    },
    esbuild: { onLoadFilter: options.include === undefined ? SOURCES : undefined },
  }
}

/** A webpack or rspack loader's answer (`this.sourceMap`, set when the build writes maps); elsewhere true. */
function loaderMaps(context: { getNativeBuildContext?: () => unknown }): boolean {
  const native = context.getNativeBuildContext?.() as { framework?: string; loaderContext?: { sourceMap?: boolean } } | undefined
  if (native?.framework !== 'webpack' && native?.framework !== 'rspack') return true
  return native.loaderContext?.sourceMap !== false
}

function containsCached(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').includes('cached')
  } catch {
    return false
  }
}

const unplugin = createUnplugin(unpluginFactory)
export default unplugin
