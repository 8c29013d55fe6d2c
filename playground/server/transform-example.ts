import { transform } from '@cacheme/transform'
import { transform as esbuildTransform, type Message } from 'esbuild'
import type { Diagnostic, TransformOutput } from './api-types.js'

export const EXAMPLE_ID = 'example.ts'

/**
 * The real compiler on the example, as every build host calls it. When it has nothing to do,
 * the text may not parse: esbuild says where, so the page can point at the typo.
 */
export async function transformExample(source: string): Promise<TransformOutput> {
  if (typeof source !== 'string') throw new TypeError(`transformExample: source must be a string, got ${typeof source}`)
  const result = transform(source, EXAMPLE_ID, { sourceMap: false })
  if (result === null) return { code: source, changed: false, diagnostics: await syntaxErrors(source) }
  const diagnostics = result.diagnostics.map(({ severity, message, line, column }) => ({ severity, message, line, column }))
  return { code: result.code, changed: result.code !== source, diagnostics }
}

async function syntaxErrors(source: string): Promise<Diagnostic[]> {
  try {
    await esbuildTransform(source, { loader: 'ts', sourcefile: EXAMPLE_ID, logLevel: 'silent' })
    return []
  } catch (error) {
    return esbuildDiagnostics(error)
  }
}

/** The errors of a failed esbuild call as diagnostics; anything else esbuild threw is rethrown. */
export function esbuildDiagnostics(error: unknown): Diagnostic[] {
  const messages = (error as { errors?: Message[] }).errors
  if (!messages) throw error
  return messages.map(diagnosticOf)
}

/** An esbuild error as a diagnostic (esbuild's columns are 0-based). */
function diagnosticOf(message: Message): Diagnostic {
  return {
    severity: 'error',
    message: message.text,
    line: message.location?.line ?? 1,
    column: (message.location?.column ?? 0) + 1,
  }
}
