import type { Token } from './tokens.js'

/**
 * The names a parameter list binds, read exactly, for the plain shapes: `a`, `{ a, b: c, ...d }`,
 * `[a, , ...b]`, each optionally with a TypeScript annotation `: T`, and TypeScript's `this: T`.
 * Anything else (defaults, computed or string keys, optional `a?`, parameter properties) gives
 * undefined: not sure.
 *
 * `open` is the index of the list's `(`.
 */
export function paramNames(tokens: readonly Token[], open: number): string[] | undefined {
  const names: string[] = []
  const close = tokens[open]!.match
  let i = open + 1
  // TypeScript's `this: T` parameter binds nothing.
  if (tokens[i]!.text === 'this' && tokens[i + 1]!.text === ':') {
    i = skipType(tokens, i + 2, close)
    if (i < 0) return undefined
    if (tokens[i]!.text === ',') i++
  }
  while (i < close) {
    if (tokens[i]!.text === '...') i++
    i = pattern(tokens, i, names)
    if (i < 0) return undefined
    if (tokens[i]!.text === ':') i = skipType(tokens, i + 1, close)
    if (i < 0) return undefined
    if (tokens[i]!.text === ',') i++
    else if (i !== close) return undefined
  }
  return names
}

/** Binds the pattern at `i` into `names`; returns the index after it, or -1. */
export function pattern(tokens: readonly Token[], i: number, names: string[]): number {
  const token = tokens[i]!
  if (token.kind === 'name') {
    if (!isBindingName(token.text)) return -1
    names.push(token.text)
    return i + 1
  }
  if (token.text === '{') {
    const close = token.match
    let j = i + 1
    while (j < close) {
      if (tokens[j]!.text === '...') {
        j = pattern(tokens, j + 1, names)
      } else if (tokens[j]!.kind === 'name' && tokens[j + 1]!.text === ':') {
        j = pattern(tokens, j + 2, names)
      } else {
        j = pattern(tokens, j, names)
      }
      if (j < 0) return -1
      if (tokens[j]!.text === ',') j++
      else if (j !== close) return -1
    }
    return close + 1
  }
  if (token.text === '[') {
    const close = token.match
    let j = i + 1
    while (j < close) {
      if (tokens[j]!.text === ',') {
        j++
        continue
      }
      if (tokens[j]!.text === '...') j++
      j = pattern(tokens, j, names)
      if (j < 0) return -1
      if (tokens[j]!.text === ',') j++
      else if (j !== close) return -1
    }
    return close + 1
  }
  return -1
}

/** Skips a type annotation up to the `,` or `)` that ends the parameter; -1 when a `<` could hide a comma. */
function skipType(tokens: readonly Token[], i: number, close: number): number {
  let j = i
  for (; j < close && tokens[j]!.text !== ','; j++) {
    const t = tokens[j]!
    if (t.text === '<' || t.text === '=') return -1
    if (t.match > j) j = t.match
  }
  return j
}

const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends',
  'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this',
  'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'implements', 'interface', 'let', 'package', 'private',
  'protected', 'public', 'static', 'yield', 'await',
])

/** Reserved words: never a variable (in a module, which is strict code). */
export function isReserved(name: string): boolean {
  return RESERVED.has(name)
}

function isBindingName(name: string): boolean {
  return !RESERVED.has(name) && name !== 'arguments' && name !== 'eval'
}
