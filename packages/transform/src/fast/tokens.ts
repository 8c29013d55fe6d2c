/**
 * A small JavaScript / TypeScript tokenizer for the fast path (see collect.ts). It only needs
 * to be right or to give up: anything it isn't sure about (a `/` whose meaning depends on
 * more than the previous token, non-ASCII or escaped identifiers, a hashbang, unbalanced
 * brackets, decorators, which collectCallSites doesn't walk) throws `Unsupported`, and the
 * caller falls back to oxc's full syntax tree.
 */

export type Kind = 'name' | 'string' | 'template' | 'number' | 'regex' | 'punct' | 'private'

export interface Token {
  kind: Kind
  text: string
  start: number
  end: number
  /** A line break between this token and the previous one. */
  newlineBefore: boolean
  /** The innermost enclosing opener (`(`, `[`, `{` or a template head or middle); -1 at top level. */
  parent: number
  /** For an opener, its closer; for a closer, its opener; otherwise -1. */
  match: number
}

export interface Tokens {
  tokens: Token[]
  /** Comment ranges, to check against the parser's. */
  comments: { start: number; end: number }[]
}

export class Unsupported extends Error {}

/** A name after `.` or `?.` is a property, never a variable. */
export function isPropertyName(tokens: readonly Token[], i: number): boolean {
  const before = tokens[i - 1]
  return before !== undefined && (before.text === '.' || before.text === '?.')
}

/** Punctuators longer than one character, by length (longest first). */
const LONG = [new Set(['>>>=']), new Set(['...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=']), new Set(['=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>', '**'])]
const SINGLE = new Set('<>+-*/%&|^!~?:=.')
const BRACKET = new Set('{}()[];,')
/** 1: starts a name (and continues one); 2: only continues one. */
const NAME_CHAR = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  NAME_CHAR[c] = /[A-Za-z_$]/.test(ch) ? 1 : /\d/.test(ch) ? 2 : 0
}
/** Keywords after which a `/` starts a regular expression. */
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'extends'])
const CONTROL = new Set(['if', 'while', 'for', 'with'])
const NUMBER = /(?:0[xXoObB][\da-fA-F_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)n?/y
const NAME = /[A-Za-z_$][\w$]*/y

export function tokenize(code: string): Tokens {
  const tokens: Token[] = []
  const comments: { start: number; end: number }[] = []
  /** Open brackets; a template head or middle is an opener whose closer resumes the template. */
  const open: number[] = []
  let i = 0
  let newline = false
  const parentOf = () => (open.length > 0 ? open[open.length - 1]! : -1)
  const push = (kind: Kind, start: number, end: number): Token => {
    const token: Token = { kind, text: code.slice(start, end), start, end, newlineBefore: newline, parent: parentOf(), match: -1 }
    tokens.push(token)
    newline = false
    return token
  }
  const close = (token: Token) => {
    const opener = open.pop()
    if (opener === undefined) throw new Unsupported('unbalanced')
    const expected = tokens[opener]!.text
    const fits = token.text === ')' ? expected === '(' : token.text === ']' ? expected === '[' : expected === '{' || expected.endsWith('${')
    if (!fits) throw new Unsupported('unbalanced')
    token.parent = parentOf()
    token.match = opener
    tokens[opener]!.match = tokens.length - 1
  }
  /** Scans a template's text from `i` (after '`' or '}') to its end or its next `${`. */
  const templatePart = (start: number): void => {
    let j = i
    for (; j < code.length; j++) {
      const c = code[j]
      if (c === '\\') j++
      else if (c === '`') break
      else if (c === '$' && code[j + 1] === '{') break
    }
    if (j >= code.length) throw new Unsupported('unterminated template')
    const opensSubstitution = code[j] === '$'
    i = j + (opensSubstitution ? 2 : 1)
    const token = push('template', start, i)
    if (code[start] === '}') close(token)
    if (opensSubstitution) open.push(tokens.length - 1)
  }

  if (code.startsWith('#!')) throw new Unsupported('hashbang')
  while (i < code.length) {
    const c = code.charCodeAt(i)
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
      newline = true
      i++
      continue
    }
    if (c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff) {
      i++
      continue
    }
    if (c > 127) throw new Unsupported('non-ASCII outside strings')
    const start = i
    if (NAME_CHAR[c] === 1) {
      let j = i + 1
      while (j < code.length && NAME_CHAR[code.charCodeAt(j)]! > 0) j++
      i = j
      if (code.charCodeAt(i) === 92 || code.charCodeAt(i) > 127) throw new Unsupported('escaped or non-ASCII identifier')
      push('name', start, i)
      continue
    }
    const ch = code[i]!
    if (BRACKET.has(ch)) {
      i++
      if (ch === '}' && open.length > 0 && tokens[open[open.length - 1]!]!.kind === 'template') {
        templatePart(start)
        continue
      }
      const token = push('punct', start, i)
      if (ch === '(' || ch === '[' || ch === '{') open.push(tokens.length - 1)
      else if (ch === ')' || ch === ']' || ch === '}') close(token)
      continue
    }
    if (ch === '@') throw new Unsupported('decorators')
    if (ch === '/' && code[i + 1] === '/') {
      let stop = i + 2
      for (; stop < code.length; stop++) {
        const n = code.charCodeAt(stop)
        if (n === 10 || n === 13 || n === 0x2028 || n === 0x2029) break
      }
      comments.push({ start: i, end: stop })
      i = stop
      continue
    }
    if (ch === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2)
      if (end === -1) throw new Unsupported('unterminated comment')
      if (/[\n\r\u2028\u2029]/.test(code.slice(i, end))) newline = true
      comments.push({ start: i, end: end + 2 })
      i = end + 2
      continue
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1
      for (; j < code.length && code[j] !== ch; j++) {
        if (code[j] === '\\') j++
        else if (code[j] === '\n' || code[j] === '\r') throw new Unsupported('unterminated string')
      }
      if (j >= code.length) throw new Unsupported('unterminated string')
      i = j + 1
      push('string', start, i)
      continue
    }
    if (ch === '`') {
      i++
      templatePart(start)
      continue
    }
    if (ch === '/' && regexAllowed(tokens)) {
      i = regexEnd(code, i)
      push('regex', start, i)
      continue
    }
    if (ch === '#') {
      NAME.lastIndex = i + 1
      const priv = NAME.exec(code)
      if (!priv) throw new Unsupported('#')
      i += 1 + priv[0].length
      push('private', start, i)
      continue
    }
    if ((ch >= '0' && ch <= '9') || (ch === '.' && /\d/.test(code[i + 1] ?? ''))) {
      NUMBER.lastIndex = i
      i += NUMBER.exec(code)![0].length
      if (/[\w$]/.test(code[i] ?? '')) throw new Unsupported('number')
      push('number', start, i)
      continue
    }
    const long = longPunctuator(code, i)
    if (ch === '\\') throw new Unsupported('escaped identifier')
    if (!long && !SINGLE.has(ch)) throw new Unsupported(`character ${ch}`)
    i += long ? long.length : 1
    push('punct', start, i)
  }
  if (open.length > 0) throw new Unsupported('unbalanced')
  return { tokens, comments }
}

/** First characters of the longer punctuators. */
const LONG_START = new Set('>=!*<&|?.+-/%^')

function longPunctuator(code: string, i: number): string | undefined {
  if (!LONG_START.has(code[i]!)) return undefined
  for (let n = 0; n < LONG.length; n++) {
    const text = code.slice(i, i + 4 - n)
    if (LONG[n]!.has(text) && !(text === '?.' && /\d/.test(code[i + 2] ?? ''))) return text
  }
  return undefined
}

/** Whether a `/` after these tokens starts a regular expression (throws when that takes more than the last token). */
function regexAllowed(tokens: Token[]): boolean {
  const last = tokens[tokens.length - 1]
  if (!last) return true
  switch (last.kind) {
    case 'name':
      // `of` is a keyword in `for (x of /re/...)` but may also be a variable; so may `yield` and `await` to oxc.
      if (last.text === 'of' || last.text === 'yield' || last.text === 'await') throw new Unsupported('ambiguous /')
      return REGEX_AFTER_WORD.has(last.text)
    case 'number':
    case 'string':
    case 'regex':
    case 'private':
      return false
    case 'template':
      if (last.text.endsWith('`')) return false
      return true
  }
  if (last.text === ']') return false
  if (last.text === ')') {
    const before = tokens[last.match - 1]
    return CONTROL.has(before?.text ?? '') || (before?.text === 'await' && tokens[last.match - 2]?.text === 'for')
  }
  if (last.text === '}' || last.text === '++' || last.text === '--') throw new Unsupported('ambiguous /')
  // TypeScript's non-null `x!` ends an expression; a prefix `!` (after a line break) starts one.
  const before = tokens[tokens.length - 2]
  if (last.text === '!' && before && (before.kind === 'name' || before.text === ')' || before.text === ']')) throw new Unsupported('ambiguous /')
  return true
}

function regexEnd(code: string, start: number): number {
  let inClass = false
  for (let j = start + 1; j < code.length; j++) {
    const c = code[j]
    if (c === '\\') j++
    else if (c === '\n' || c === '\r') break
    else if (c === '[') inClass = true
    else if (c === ']') inClass = false
    else if (c === '/' && !inClass) {
      NAME.lastIndex = j + 1
      const flags = NAME.exec(code)
      return j + 1 + (flags && flags.index === j + 1 ? flags[0].length : 0)
    }
  }
  throw new Unsupported('unterminated regular expression')
}
