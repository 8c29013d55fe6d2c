import { isBuiltin } from 'node:module'
import { build, type Plugin } from 'esbuild'
import type { Diagnostic } from './api-types.js'
import { EXAMPLE_ID, esbuildDiagnostics, transformExample } from './transform-example.js'

export type CompileResult = { ok: true; js: string; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] }

/**
 * Turns an example into JavaScript a worker can import from a data: URL: the real compiler's
 * output, types stripped by esbuild, `cacheme` pointed at the runtime's absolute URL (a data:
 * module can't resolve bare specifiers). Only `cacheme` and node built-ins may be imported.
 */
export async function compileExample(source: string): Promise<CompileResult> {
  const transformed = await transformExample(source)
  if (transformed.diagnostics.some((d) => d.severity === 'error')) {
    return { ok: false, diagnostics: transformed.diagnostics }
  }
  try {
    const result = await build({
      stdin: { contents: transformed.code, loader: 'ts', sourcefile: EXAMPLE_ID },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      plugins: [onlyCachemeAndBuiltins],
    })
    return { ok: true, js: result.outputFiles[0]!.text, diagnostics: transformed.diagnostics }
  } catch (error) {
    return { ok: false, diagnostics: [...transformed.diagnostics, ...esbuildDiagnostics(error)] }
  }
}

const onlyCachemeAndBuiltins: Plugin = {
  name: 'playground-imports',
  setup(b) {
    b.onResolve({ filter: /^cacheme(\/.*)?$/ }, (args) => ({ path: import.meta.resolve(args.path), external: true }))
    b.onResolve({ filter: /.*/ }, (args) => {
      if (isBuiltin(args.path)) return { path: args.path, external: true }
      return { errors: [{ text: `the playground runs examples with 'cacheme' and node: built-ins only, not '${args.path}'` }] }
    })
  },
}
