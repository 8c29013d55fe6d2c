import { formatDiagnostic, type Diagnostic } from '@cacheme/transform'

/** A module's diagnostics as every host reports them: each warning on its own, all errors as one message. */
export function messagesOf(diagnostics: readonly Diagnostic[]): { warnings: string[]; error: string | undefined } {
  const warnings = diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic)
  const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)
  return { warnings, error: errors.length > 0 ? errors.join('\n') : undefined }
}
