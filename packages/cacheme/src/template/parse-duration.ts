import { describeValue } from '../describe.js'
import { DurationError } from '../errors.js'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g

/**
 * A TTL in milliseconds: a number of seconds or a duration string ('250ms', '30s', '5m',
 * '1h', '1d', or compound like '1h30m'). 0 means no expiry.
 */
export function parseTtl(value: unknown, what = 'ttl'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new DurationError(
        `cacheme: ${what} must be a number of seconds >= 0 or a duration like '30s', got ${describeValue(value)}`,
        value,
      )
    }
    return Math.round(value * 1000)
  }
  if (typeof value === 'string') {
    const text = value.trim()
    if (!DURATION.test(text)) {
      throw new DurationError(
        `cacheme: ${what} ${JSON.stringify(value)} is not a duration; expected a number of seconds or text like '250ms', '30s', '5m', '1h', '1d'`,
        value,
      )
    }
    let ms = 0
    for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * UNIT_MS[unit!]!
    return Math.round(ms)
  }
  throw new DurationError(`cacheme: ${what} must be a number of seconds or a duration string like '5m', got ${describeValue(value)}`, value)
}
