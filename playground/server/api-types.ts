// The JSON the playground's API returns; shared by the server and the page.
import type { CacheOp } from 'cacheme'

export interface Diagnostic {
  severity: 'error' | 'warning'
  message: string
  /** 1-based line and column in the example. */
  line: number
  column: number
}

/** POST /api/transform */
export interface TransformOutput {
  code: string
  /** False when the compiler had nothing to do (no `cached()` call site from 'cacheme'). */
  changed: boolean
  diagnostics: Diagnostic[]
}

/** One logger call seen while an example ran; `ms` since the run started. */
export interface LogLine {
  store: string
  key: string
  op: CacheOp
  ms: number
}

export interface ConsoleLine {
  level: 'log' | 'info' | 'warn' | 'error'
  text: string
}

/** A key the example touched, and whether it is in the cache when the example ends. */
export interface KeyState {
  key: string
  cached: boolean
}

/** POST /api/run */
export interface RunResult {
  /** `rejected`: the diagnostics contain an error and nothing ran. */
  status: 'ok' | 'failed' | 'timeout' | 'rejected'
  diagnostics: Diagnostic[]
  logs: LogLine[]
  console: ConsoleLine[]
  keys: KeyState[]
  error?: string
  durationMs: number
}

/** GET /api/app: the example app the page reaches under /app/, if one runs beside it. */
export interface AppInfo {
  url: string | null
}
