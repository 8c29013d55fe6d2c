import { describeValue } from './describe.js'
import { closest } from './did-you-mean.js'

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
