import { describeValue } from './describe.js'

export interface OptionsKind {
  /** Words before "option" in messages: 'client', 'lock', '' (store options). */
  kind: string
  /** Whose options, for messages: "'comment:<<id>>'", "createClient()". */
  owner: string
  /** What a valid value looks like: "{ ttl: '5m' }". */
  example: string
}

/** The one options checker: `options` must be a plain object whose keys are all in `known`. */
export function checkOptions<T extends object>(options: unknown, known: readonly string[], { kind, owner, example }: OptionsKind): T {
  const label = kind ? `${kind} option` : 'option'
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`cacheme: ${label}s of ${owner} must be an object like ${example}, got ${describeValue(options)}`)
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const hint = closest(key, known)
      throw new TypeError(
        `cacheme: unknown ${label} '${key}' for ${owner}${hint ? ` (did you mean '${hint}'?)` : ''}; expected one of ${known.join(', ')}`,
      )
    }
  }
  return options as T
}

/** The known name nearest to `name` (edit distance ≤ 2), for "did you mean". */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of known) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}
