import { parseTtl } from '../template/parse-duration.js'
import { describeValue } from '../describe.js'

/** Default time budget of one Redis operation. */
export const DEFAULT_TIMEOUT_MS = 1000

/** The `timeout` client option in ms: a number of milliseconds or a duration ('500ms', '2s'). */
export function resolveTimeout(timeout: unknown): number {
  if (timeout === undefined) return DEFAULT_TIMEOUT_MS
  const ms = typeof timeout === 'number' ? timeout : typeof timeout === 'string' ? safeParse(timeout) : NaN
  if (!Number.isFinite(ms) || ms <= 0 || ms > 2_147_483_647) {
    throw new TypeError(
      `cacheme: timeout must be a number of milliseconds > 0 or a duration like '500ms' or '2s', got ${describeValue(timeout)}`,
    )
  }
  return Math.ceil(ms)
}

function safeParse(text: string): number {
  try {
    return parseTtl(text)
  } catch {
    return NaN
  }
}
