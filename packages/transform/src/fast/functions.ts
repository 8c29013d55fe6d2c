/**
 * Inline fetchers and version functions, read from tokens: is this argument a function, and
 * does it mean the same at module level (isHoistableFunction in oxc/hoistable.ts)? Each answer
 * is sure, or `Unsupported` is thrown.
 */

import type { Bindings, Range } from './bindings.js'
import { isKeyword, paramNames } from './patterns.js'
import { isPropertyName, Unsupported, type Token } from './tokens.js'

/** Where a function argument's parameters start; `arrow`: an arrow function (whose `this` is its surroundings'). */
export interface FunctionArg {
  params: number
  arrow: boolean
  name?: string
}

export interface FunctionContext {
  tokens: readonly Token[]
  bindings: Bindings
  typescript: boolean
}

/** An argument that is one function: `[async] (params) => body`, `[async] x => body`, `[async] function [name] (params) { }`. */
export function functionAt(tokens: readonly Token[], from: number, to: number): FunctionArg | undefined {
  let i = tokens[from]!.text === 'async' && from + 1 < to && !tokens[from + 1]!.newlineBefore ? from + 1 : from
  const t = tokens[i]!
  if (t.text === '(' && tokens[t.match + 1]?.text === '=>') return { params: i, arrow: true }
  if (t.kind === 'name' && tokens[i + 1]?.text === '=>' && !isKeyword(t.text)) return { params: i, arrow: true }
  if (t.text !== 'function') return undefined
  i++
  if (tokens[i]!.text === '*') i++
  const name = tokens[i]!.kind === 'name' ? tokens[i++]!.text : undefined
  const open = tokens[i]!
  if (open.text !== '(' || tokens[open.match + 1]?.text !== '{' || tokens[open.match + 1]!.match !== to - 1) {
    throw new Unsupported('function expression with more after it, or a return type')
  }
  return { params: i, arrow: false, name }
}

/**
 * Whether the function in tokens [from, to) reads only its own, module-level or global
 * bindings, as isHoistableFunction decides; throws when that isn't sure from tokens.
 */
export function isHoistable(context: FunctionContext, fn: FunctionArg, from: number, to: number): boolean {
  const { tokens, bindings } = context
  const start = tokens[from]!.start
  const end = tokens[to - 1]!.end
  if (needsItsContext(tokens, fn.arrow, from, to)) return false
  const p = tokens[fn.params]!
  const own = p.kind === 'name' ? [p.text] : paramNames(tokens, fn.params)
  if (!own) throw new Unsupported('parameters')
  if (fn.name) own.push(fn.name)
  const paramsEnd = p.kind === 'name' ? fn.params + 1 : p.match + 1
  if (readsOuterLocal(context, own, paramsEnd, { start, end }, to)) return false
  for (let j = from; j < to; j++) {
    const t = tokens[j]!
    // A function expression's own `this` & co. are fine; an arrow's are those around it.
    if (fn.arrow && (t.text === 'this' || t.text === 'arguments' || ((t.text === 'new' || t.text === 'import') && tokens[j + 1]?.text === '.'))) {
      throw new Unsupported(`${t.text} in a function`)
    }
    if (j >= fn.params && j < paramsEnd) continue
    if (t.kind !== 'name' || isKeyword(t.text) || own.includes(t.text) || isPropertyName(tokens, j)) continue
    const outer = bindings.possible.get(t.text)?.some(({ at, scope }) => (at < start || at >= end) && scope.start <= t.start && t.start < scope.end)
    if (outer) throw new Unsupported(`${t.text} may be an outer local`)
  }
  return true
}

/**
 * Whether the function body (tokens from `body` to `to`) surely reads a local of the code
 * around it: a name that is surely a variable (`name.` in JavaScript; in TypeScript, where it
 * may be a type, only right after `=>`, `return` or `await`; an arrow's whole expression body),
 * surely declared around the whole function, and not possibly declared again inside it. Then
 * it can't move, whatever else it holds.
 */
function readsOuterLocal(context: FunctionContext, own: readonly string[], body: number, fn: Range, to: number): boolean {
  const { tokens, bindings, typescript } = context
  for (let j = body; j < to; j++) {
    const t = tokens[j]!
    if (t.kind !== 'name' || isKeyword(t.text) || own.includes(t.text) || isPropertyName(tokens, j)) continue
    const before = tokens[j - 1]!.text
    const after = tokens[j + 1]?.text
    // The first token of an arrow's expression body is an expression (unless it starts another arrow).
    const bodyStart = before === '=>' && j === body + 1 && after !== '=>' && t.text !== 'async'
    const member = after === '.' && (!typescript || before === 'return' || before === 'await' || bodyStart)
    if (!bodyStart && !member) continue
    const around = bindings.certain.get(t.text)?.some((r) => r.start <= fn.start && fn.end <= r.end)
    const inside = bindings.possible.get(t.text)?.some(({ at }) => fn.start <= at && at < fn.end)
    if (around && !inside) return true
  }
  return false
}

/**
 * Whether the function surely uses what only its place gives it, as isHoistableFunction sees
 * it: `super` or a private name anywhere; `this`, `arguments`, `new.target` or `import.meta`
 * in an arrow with no function of its own inside (no `function`, `class` or method) that could
 * be the one they belong to.
 */
function needsItsContext(tokens: readonly Token[], arrow: boolean, from: number, to: number): boolean {
  let context = false
  let ownFunctions = !arrow
  for (let j = from; j < to; j++) {
    const t = tokens[j]!
    if (isPropertyName(tokens, j)) continue
    if (t.kind === 'private') return true
    if (t.text === 'super') {
      if (!isExpressionWord(tokens, j) || !['.', '[', '('].includes(tokens[j + 1]?.text ?? '')) throw new Unsupported('super, or a key named so')
      return true
    }
    if ((t.text === 'this' || t.text === 'arguments') && isExpressionWord(tokens, j)) context = true
    if ((t.text === 'new' || t.text === 'import') && tokens[j + 1]?.text === '.') context = true
    if (t.text === 'function' || t.text === 'class' || (t.text === ')' && tokens[j + 1]?.text === '{')) ownFunctions = true
  }
  return context && !ownFunctions
}

/** Whether `this`, `super` or `arguments` at i is surely that expression, not a key or method named so (`{ this: 1 }`, `super() {}`). */
function isExpressionWord(tokens: readonly Token[], i: number): boolean {
  const after = tokens[i + 1]
  if (!after) return true
  if (after.text === ':' || after.text === '=' || after.text === '?') return false
  return !(after.text === '(' && tokens[after.match + 1]?.text === '{')
}
