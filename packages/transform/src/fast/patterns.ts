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
  const end = items(tokens, open, (i) => {
    // TypeScript's `this: T` parameter binds nothing.
    if (i === open + 1 && tokens[i]!.text === 'this' && tokens[i + 1]!.text === ':') return skipType(tokens, i + 2, close)
    const after = pattern(tokens, tokens[i]!.text === '...' ? i + 1 : i, names)
    return after >= 0 && tokens[after]!.text === ':' ? skipType(tokens, after + 1, close) : after
  })
  return end < 0 ? undefined : names
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
    return items(tokens, i, (j) => {
      if (tokens[j]!.text === '...') return pattern(tokens, j + 1, names)
      return pattern(tokens, tokens[j]!.kind === 'name' && tokens[j + 1]!.text === ':' ? j + 2 : j, names)
    })
  }
  if (token.text === '[') {
    // A hole (`[, a]`) is an empty item.
    return items(tokens, i, (j) => (tokens[j]!.text === ',' ? j : pattern(tokens, tokens[j]!.text === '...' ? j + 1 : j, names)))
  }
  return -1
}

/**
 * Reads the comma-separated items of the group opened at `open`, each with `item` (from its
 * first token to the index after it, or -1); returns the index after the group, or -1.
 */
function items(tokens: readonly Token[], open: number, item: (i: number) => number): number {
  const close = tokens[open]!.match
  let i = open + 1
  while (i < close) {
    i = item(i)
    if (i < 0) return -1
    if (tokens[i]!.text === ',') i++
    else if (i !== close) return -1
  }
  return close + 1
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

/** Words that can't be bound by a parameter or a declaration in strict code. */
const STRICT_RESERVED = new Set(['implements', 'interface', 'let', 'package', 'private', 'protected', 'public', 'static', 'yield', 'await', 'arguments', 'eval'])

/**
 * Keywords that are never an identifier. The words reserved only in strict code (`let`,
 * `static`, `yield`, `await`, ...) are not among them: oxc's parser (without its semantic
 * checks) reads `let` in `f(let)` as an identifier, and so must we.
 */
const KEYWORDS = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends',
  'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this',
  'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with',
])

export function isKeyword(name: string): boolean {
  return KEYWORDS.has(name)
}

function isBindingName(name: string): boolean {
  return !KEYWORDS.has(name) && !STRICT_RESERVED.has(name)
}
