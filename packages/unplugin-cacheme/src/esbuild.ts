import { readFileSync } from 'node:fs'
import { dirname, extname } from 'node:path'
import type { Loader, OnLoadResult, Plugin } from 'esbuild'
import { createTransformer } from '@cacheme/transform'
import unplugin from './index.js'
import { esbuildMessages } from './esbuild-messages.js'
import { checkOptions, NODE_MODULES, SOURCES, type Options } from './options.js'

/**
 * The esbuild plugin. esbuild asks a plugin about every module its filter matches, over IPC, so
 * the path for a module without `cached` is kept as short as it gets: a synchronous read and a
 * substring check, then `undefined`, and esbuild loads the file itself. Same behaviour as
 * unplugin's esbuild adapter, which glob (string) include / exclude patterns still go through.
 */
export default function cacheme(options?: Options): Plugin {
  const { include = SOURCES, exclude = NODE_MODULES } = checkOptions(options)
  const includes = regExps(include)
  const excludes = regExps(exclude)
  if (!includes || !excludes) return unplugin.esbuild(options)
  return {
    name: 'unplugin-cacheme',
    setup(build) {
      // esbuild loads every module again when a context rebuilds, so each build starts with a
      // fresh registry: definitions a module no longer makes can't outlive the build they were in.
      let transformer = createTransformer()
      build.onStart(() => {
        transformer = createTransformer()
      })
      // esbuild reads a module's source map only when it writes maps itself.
      const sourceMap = Boolean(build.initialOptions.sourcemap)
      build.onLoad({ filter: options?.include === undefined ? SOURCES : /.*/ }, (args): OnLoadResult | undefined => {
        const id = args.path + (args.suffix ?? '')
        if (!includes.some((re) => matches(re, id)) || excludes.some((re) => matches(re, id))) return undefined
        const code = readSource(args.path)
        if (code === undefined || !code.includes('cached')) return undefined
        const result = transformer.transform(code, id.replace(/\?.*$/, ''), { sourceMap })
        if (!result) return undefined
        const { errors, warnings } = esbuildMessages(result.diagnostics, code)
        if (errors.length > 0) return { errors, warnings }
        const map = result.map
          ? `\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(result.map)).toString('base64')}`
          : ''
        return { contents: result.code + map, loader: loaderOf(args.path), resolveDir: dirname(args.path), warnings }
      })
    },
  }
}

/** The patterns as RegExps; undefined when one is a glob, which unplugin's adapter handles. */
function regExps(pattern: Options['include']): RegExp[] | undefined {
  const list = Array.isArray(pattern) ? pattern : [pattern]
  return list.every((p): p is RegExp => p instanceof RegExp) ? list : undefined
}

function matches(re: RegExp, id: string): boolean {
  const result = re.test(id)
  re.lastIndex = 0
  return result
}

/** The module's text; undefined when there is no such file (a virtual module of another plugin, or one esbuild reports missing). */
function readSource(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

const LOADERS: Record<string, Loader> = { '.jsx': 'jsx', '.ts': 'ts', '.cts': 'ts', '.mts': 'ts', '.tsx': 'tsx' }

function loaderOf(path: string): Loader {
  return LOADERS[extname(path).toLowerCase()] ?? 'js'
}
