import { paramNames, pattern } from './patterns.js'
import type { Token } from './tokens.js'

/** A range of the source, [start, end). */
export interface Range {
  start: number
  end: number
}

/**
 * Where each name may be declared, from tokens alone, in two approximations:
 * - `possible` over-approximates every declaration below module level (parameters, block-scoped
 *   and `var` declarations, function and class names): for each, where it is declared and a
 *   range that surely contains the declaration's scope;
 * - `certain` under-approximates: declarations read exactly, with a range surely inside their scope.
 * `topLevel` holds names that may be declared at module level (imports included). A reference
 * is then surely local when a certain range contains it, surely not local when no possible one
 * does; otherwise we don't know.
 */
export interface Bindings {
  topLevel: Set<string>
  possible: Map<string, { at: number; scope: Range }[]>
  certain: Map<string, Range[]>
}

const DECLARE = new Set(['const', 'let', 'var', 'using'])
const TYPE_DECLARE = new Set(['enum', 'namespace', 'module', 'interface', 'type'])
const CONTROL = new Set(['if', 'for', 'while', 'switch', 'catch', 'with'])
const STATEMENT_PREFIX = new Set(['export', 'default', 'async', 'declare', 'abstract'])
const MODIFIERS = new Set(['private', 'protected', 'public', 'readonly', 'override'])
/** Words after which a line break doesn't end the statement. */
const CONTINUING = new Set(['typeof', 'void', 'delete', 'new', 'in', 'instanceof', 'of', 'await', 'yield', 'case', 'extends', 'else', 'do', 'throw', 'as', 'satisfies'])

export function scanBindings(tokens: readonly Token[], length: number, skip: (i: number) => boolean): Bindings {
  const bindings: Bindings = { topLevel: new Set(), possible: new Map(), certain: new Map() }
  const whole: Range = { start: 0, end: length }
  /** The group around token i (its parent), or the whole module. */
  const groupOf = (i: number): Range => {
    const g = tokens[i]!.parent
    return g < 0 ? whole : { start: tokens[g]!.start, end: tokens[tokens[g]!.match]!.end }
  }
  const possible = (name: string, at: number, scope: Range) => {
    const list = bindings.possible.get(name) ?? []
    list.push({ at, scope })
    bindings.possible.set(name, list)
  }
  const certain = (names: readonly string[], scope: Range) => {
    for (const name of names) {
      const list = bindings.certain.get(name) ?? []
      list.push(scope)
      bindings.certain.set(name, list)
    }
  }
  /** Every name inside tokens [from, to) as a possible declaration with `scope`. */
  const possibleIn = (from: number, to: number, scope: Range) => {
    for (let j = from; j < to; j++) if (tokens[j]!.kind === 'name') possible(tokens[j]!.text, tokens[j]!.start, scope)
  }

  for (let i = 0; i < tokens.length; i++) {
    if (skip(i)) continue
    const t = tokens[i]!
    const next = tokens[i + 1]
    if (t.kind === 'name' && DECLARE.has(t.text) && next && (next.kind === 'name' || (t.text !== 'using' && (next.text === '{' || next.text === '[')))) {
      declaration(i)
    } else if (t.kind === 'name' && (t.text === 'function' || t.text === 'class')) {
      let j = i + 1
      if (tokens[j]?.text === '*') j++
      const name = tokens[j]?.kind === 'name' && tokens[j]!.text !== 'extends' ? tokens[j]! : undefined
      if (name && t.parent < 0 && isStatementStart(i)) bindings.topLevel.add(name.text)
      else if (name) possible(name.text, name.start, groupOf(i))
    } else if (t.kind === 'name' && (TYPE_DECLARE.has(t.text) || t.text === 'import') && next?.kind === 'name' && !next.newlineBefore) {
      if (t.parent < 0) bindings.topLevel.add(next.text)
      else possible(next.text, next.start, groupOf(i))
    } else if (t.kind === 'name' && next?.text === '=>') {
      possible(t.text, t.start, groupOf(i))
      const body = arrowBody(i + 1)
      if (body) certain([t.text], { start: t.start, end: body.end })
    } else if (t.text === '(') {
      parameters(i)
    }
  }
  return bindings

  function declaration(keyword: number): void {
    const kind = tokens[keyword]!.text
    const parent = tokens[keyword]!.parent
    // The names after the keyword and after each comma at its level, up to the end of the statement.
    // A block's own declarations are scoped to it; in `for (let ...)`, to what holds the loop.
    const inBlock = parent >= 0 && tokens[parent]!.text === '{' && !isSwitchBody(parent)
    const scope = kind === 'var' ? whole : inBlock ? groupOf(keyword) : groupOf(parent < 0 ? keyword : parent)
    let j = keyword + 1
    let first = true
    let expectBinding = true
    for (; j < tokens.length; j++) {
      const t = tokens[j]!
      if (t.parent !== parent || t.text === ';') break // the end of the enclosing group, or of the statement
      if (expectBinding) {
        const end = t.match > j ? t.match + 1 : j + 1
        if (parent < 0) for (let k = j; k < end; k++) if (tokens[k]!.kind === 'name') bindings.topLevel.add(tokens[k]!.text)
        if (parent >= 0) possibleIn(j, end, scope)
        // (`var` is left out: in a top-level block it is module-level.)
        if (first && kind !== 'var' && inBlock) {
          const names: string[] = []
          if (pattern(tokens, j, names) === end) certain(names, groupOf(j))
        }
        first = false
        expectBinding = false
        j = end - 1
      } else if (t.text === ',') expectBinding = true
      else if (t.match > j) j = t.match - 1 // over a group (a template's middle part is a group of its own)
    }
  }

  /** A `(` group: parameters when `=>`, `{` or `:` follows it (over-approximated), read exactly for plain functions. */
  function parameters(open: number): void {
    const close = tokens[open]!.match
    const after = tokens[close + 1]
    const before = tokens[open - 1]
    const functionLike = before !== undefined && (before.text === 'function' || tokens[open - 2]?.text === 'function' || tokens[open - 2]?.text === '*')
    if (!functionLike && !(after && (after.text === '=>' || after.text === '{' || after.text === ':'))) return
    const body = after?.text === '=>' ? arrowBody(close + 1) : functionBody(open, close)
    // Parameters are scoped to their function: exactly known with a block body, else whatever holds it.
    const blockBody = after?.text === '=>' ? (tokens[close + 2]?.text === '{' ? body : undefined) : body
    const scope = blockBody ? { start: tokens[open]!.start, end: blockBody.end } : groupOf(open)
    // Each parameter's binding comes first in it (after `...` or a modifier): a name or a pattern.
    let expectBinding = true
    for (let j = open + 1; j < close; j++) {
      const t = tokens[j]!
      if (t.text === ',') expectBinding = true
      else if (expectBinding && (t.text === '...' || MODIFIERS.has(t.text))) continue
      else if (expectBinding) {
        const end = t.match > j ? t.match + 1 : j + 1
        possibleIn(j, end, scope)
        expectBinding = false
        j = end - 1
      } else if (t.match > j) j = t.match - 1
    }
    if (!body) return
    const names = paramNames(tokens, open)
    if (names) certain(names, { start: tokens[open]!.start, end: body.end })
  }

  /** The body of `name(...) {` or `function name(...) {` (same line), if that is what this is. */
  function functionBody(open: number, close: number): Range | undefined {
    const before = tokens[open - 1]
    if (!before || (before.kind !== 'name' && before.text !== '*') || CONTROL.has(before.text) || isHeritage(open - 1)) return undefined
    let j = close + 1
    if (tokens[j]?.text === ':') j = plainTypeEnd(j + 1)
    const brace = tokens[j]
    if (!brace || brace.text !== '{' || brace.newlineBefore) return undefined
    return { start: brace.start, end: tokens[brace.match]!.end }
  }

  /** A switch's scope also holds its discriminant, `switch (x) {`. */
  function isSwitchBody(brace: number): boolean {
    const paren = tokens[brace - 1]
    return paren?.text === ')' && tokens[paren.match - 1]?.text === 'switch'
  }

  /** Whether the name at i ends a (member) expression after `extends`: `class A extends mixin(B) {`. */
  function isHeritage(i: number): boolean {
    let k = i
    while (tokens[k - 1]?.text === '.' && tokens[k - 2]?.kind === 'name') k -= 2
    return tokens[k - 1]?.text === 'extends'
  }

  /** A return type made only of names, `.`, `<`, `>`, `[]`, `|`, `&` and `,`: ends at the next `{`. */
  function plainTypeEnd(i: number): number {
    let j = i
    while (j < tokens.length && tokens[j]!.text !== '{') {
      const t = tokens[j]!
      if (t.kind !== 'name' && !['.', '<', '>', '>>', '>>>', '[', ']', '|', '&', ','].includes(t.text)) return -1
      j++
    }
    return j
  }

  /**
   * The part of an arrow's body surely inside it, `arrow` being the index of `=>`: a block body
   * whole; an expression body up to the first `,` `;` `:` or line break at its own level.
   */
  function arrowBody(arrow: number): Range | undefined {
    const first = tokens[arrow + 1]
    if (!first || first.newlineBefore) return undefined
    if (first.text === '{') return { start: first.start, end: tokens[first.match]!.end }
    const level = tokens[arrow]!.parent
    let end = first.end
    for (let j = arrow + 1; j < tokens.length; j++) {
      const t = tokens[j]!
      if (t.parent !== level || (j > arrow + 1 && t.newlineBefore) || t.text === ',' || t.text === ';' || t.text === ':') break
      end = t.match > j ? tokens[t.match]!.end : t.end
      if (t.match > j) j = t.match
    }
    return { start: first.start, end }
  }

  /**
   * A `function` / `class` keyword starting a statement (after `export` & co.): first, after `;`
   * or `}`, or on a new line after something that can end an expression (so a semicolon is inserted).
   */
  function isStatementStart(i: number): boolean {
    let j = i - 1
    while (j >= 0 && STATEMENT_PREFIX.has(tokens[j]!.text) && tokens[j]!.kind === 'name') j--
    const prev = tokens[j]
    if (!prev || prev.text === ';' || prev.text === '}') return true
    if (!tokens[j + 1]!.newlineBefore) return false
    if (prev.kind === 'name') return !CONTINUING.has(prev.text)
    if (prev.kind === 'template') return prev.text.endsWith('`')
    return prev.kind !== 'punct' || prev.text === ')' || prev.text === ']'
  }
}
