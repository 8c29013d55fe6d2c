export type Severity = 'error' | 'warning'

/** A build-time finding at a range of one module; line and column are 1-based. */
export interface Diagnostic {
  severity: Severity
  message: string
  file: string
  start: number
  length: number
  line: number
  column: number
}

/** `file:line:col: message`, the form every host prints. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.message}`
}

/** An error a host can throw to fail a build: the formatted text plus the location as fields. */
export class CachemeBuildError extends Error {
  override name = 'CachemeBuildError'
  readonly diagnostics: Diagnostic[]
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'))
    this.diagnostics = diagnostics
  }
}
