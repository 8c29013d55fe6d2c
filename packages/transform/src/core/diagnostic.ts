export type Severity = 'error' | 'warning'

/** Something wrong with a call site, at a range of the module (offsets), before it is located. */
export interface Problem {
  message: string
  start: number
  end: number
}

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
