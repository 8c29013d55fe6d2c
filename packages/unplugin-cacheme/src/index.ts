import { createTransformer, formatDiagnostic } from '@cacheme/transform'
import { createUnplugin, type FilterPattern, type UnpluginFactory } from 'unplugin'

export interface Options {
  /** Modules to transform (default: JS and TS sources, `.js .jsx .mjs .cjs .ts .tsx .mts .cts`). */
  include?: FilterPattern
  /** Modules to leave alone (default: anything under node_modules). */
  exclude?: FilterPattern
}

const SOURCES = /\.[cm]?[jt]sx?(?:$|\?)/
const NODE_MODULES = /[\\/]node_modules[\\/]/

/**
 * The build plugin: each module's `cached()` calls become module-level stores. One transformer
 * (and its registry of definitions, for conflicts across modules) lives as long as the plugin
 * instance, i.e. one build or one watch / dev session; re-transformed modules replace their entries.
 */
export const unpluginFactory: UnpluginFactory<Options | undefined, false> = (options = {}) => {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`unplugin-cacheme: options must be an object like { include, exclude }, got ${options === null ? 'null' : typeof options}`)
  }
  const transformer = createTransformer()
  return {
    name: 'unplugin-cacheme',
    enforce: 'pre',
    transform: {
      filter: {
        id: { include: options.include ?? SOURCES, exclude: options.exclude ?? NODE_MODULES },
        code: { include: 'cached' },
      },
      handler(code, id) {
        const result = transformer.transform(code, id.replace(/\?.*$/, ''))
        if (!result) return null
        for (const d of result.diagnostics) if (d.severity === 'warning') this.warn(formatDiagnostic(d))
        const errors = result.diagnostics.filter((d) => d.severity === 'error')
        if (errors.length > 0) this.error(errors.map(formatDiagnostic).join('\n'))
        return { code: result.code, map: result.map }
      },
    },
    watchChange(id, change) {
      if (change.event === 'delete') transformer.forget(id)
    },
    esbuild: { onLoadFilter: options.include === undefined ? SOURCES : undefined },
  }
}

const unplugin = createUnplugin(unpluginFactory)
export default unplugin
