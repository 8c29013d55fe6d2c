import type { PartialMessage } from 'esbuild'
import type { Diagnostic } from '@cacheme/transform'

/**
 * A module's diagnostics as esbuild messages, one per diagnostic, each at its location so esbuild
 * prints the code frame of the bad call (not of the line importing the module). esbuild counts
 * columns and lengths in UTF-8 bytes.
 */
export function esbuildMessages(
  diagnostics: readonly Diagnostic[],
  code: string,
): { errors: PartialMessage[]; warnings: PartialMessage[] } {
  const lines = code.split(/\r\n|\r|\n/)
  const message = (d: Diagnostic): PartialMessage => {
    const lineText = lines[d.line - 1] ?? ''
    const column = Buffer.byteLength(lineText.slice(0, d.column - 1))
    const length = Buffer.byteLength(lineText.slice(d.column - 1, d.column - 1 + d.length))
    return { text: d.message, location: { file: d.file, line: d.line, column, length, lineText } }
  }
  return {
    errors: diagnostics.filter((d) => d.severity === 'error').map(message),
    warnings: diagnostics.filter((d) => d.severity === 'warning').map(message),
  }
}
