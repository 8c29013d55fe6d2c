import type { FilterPattern } from 'unplugin'

export interface Options {
  /** Modules to transform (default: JS and TS sources, `.js .jsx .mjs .cjs .ts .tsx .mts .cts`). */
  include?: FilterPattern
  /** Modules to leave alone (default: anything under node_modules). */
  exclude?: FilterPattern
}

export const SOURCES = /\.[cm]?[jt]sx?(?:$|\?)/
export const NODE_MODULES = /[\\/]node_modules[\\/]/

export function checkOptions(options: unknown): Options {
  if (options === undefined) return {}
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`unplugin-cacheme: options must be an object like { include, exclude }, got ${options === null ? 'null' : typeof options}`)
  }
  return options as Options
}
