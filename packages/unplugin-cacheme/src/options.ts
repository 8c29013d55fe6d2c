/**
 * unplugin's `FilterPattern`, spelled out: the per-bundler entries' declarations import this file,
 * and unplugin's own d.ts imports every bundler it supports (farm, bun, rsbuild, …), which a
 * project that type-checks without skipLibCheck does not have.
 */
export type FilterPattern = string | RegExp | Array<string | RegExp>

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
    throw new TypeError(
      `unplugin-cacheme: options must be an object like { include, exclude }, got ${options === null ? 'null' : typeof options}`,
    )
  }
  for (const [key, value] of Object.entries(options)) {
    if (key !== 'include' && key !== 'exclude') {
      throw new TypeError(`unplugin-cacheme: unknown option '${key}'; expected include, exclude`)
    }
    if (value !== undefined && !isPattern(value)) {
      throw new TypeError(`unplugin-cacheme: ${key} must be a string, a RegExp or an array of them, got ${describe(value)}`)
    }
  }
  return options as Options
}

function isPattern(value: unknown): boolean {
  const one = (v: unknown) => typeof v === 'string' || v instanceof RegExp
  return one(value) || (Array.isArray(value) && value.every(one))
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array holding ${value.map((v) => (v === null ? 'null' : typeof v)).join(', ')}`
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`
}
