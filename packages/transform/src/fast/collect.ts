import type { Comment, EcmaScriptModule } from 'oxc-parser'
import type { CallSite, Property, TemplateArg, Value } from '../core/site.js'
import { scanBindings, type Bindings, type Range } from './bindings.js'
import { isReserved, paramNames } from './patterns.js'
import { tokenize, Unsupported, type Token } from './tokens.js'

/** A front-end node of the fast path: the token range of an argument or property. */
export interface Span {
  start: number
  end: number
}

export interface FastCollected {
  sites: CallSite<Span>[]
  afterImports: number
}

/**
 * The fast front end: finds the `cached()` call sites from tokens, without oxc's JS syntax tree
 * (building it from JSON is most of the cost of a transform on Node 20). It produces exactly
 * what `collectCallSites` would for the modules it understands, and undefined for anything it
 * can't be sure about; the caller then takes the full path. The module record and comments
 * come from oxc's parse (which also found any syntax error).
 */
export interface FastOptions {
  /** TypeScript source: a name may be a type, so fewer token patterns are sure references. */
  typescript?: boolean
  /** Called with the reason when the fast path gives up. */
  onFallback?: (reason: string) => void
}

export function collectFast(code: string, parsed: { module: EcmaScriptModule; comments: readonly Comment[] }, options: FastOptions = {}): FastCollected | undefined {
  const { onFallback, typescript = false } = options
  try {
    return collect(code, parsed.module, parsed.comments, typescript)
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error
    onFallback?.(error.message)
    return undefined
  }
}

function collect(code: string, module: EcmaScriptModule, comments: readonly Comment[], typescript: boolean): FastCollected {
  const { tokens, comments: found } = tokenize(code)
  // A `/` read the wrong way would show here first: comments would differ from the parser's.
  if (found.length !== comments.length || found.some((c, i) => c.start !== comments[i]!.start || c.end !== comments[i]!.end)) {
    throw new Unsupported('comments differ')
  }
  const imports = module.staticImports
  const cachedNames = new Set<string>()
  const namespaces = new Set<string>()
  for (const statement of imports) {
    if (statement.moduleRequest.value !== 'cacheme') continue
    for (const entry of statement.entries) {
      if (entry.isType) continue
      if (entry.importName.kind === 'NamespaceObject') namespaces.add(entry.localName.value)
      else if (entry.importName.kind === 'Name' && entry.importName.name === 'cached') cachedNames.add(entry.localName.value)
    }
  }
  // Tokens of static imports are read from the module record, not here.
  const inImport = new Uint8Array(tokens.length)
  let k = 0
  for (const statement of imports) {
    while (k < tokens.length && tokens[k]!.start < statement.start) k++
    for (; k < tokens.length && tokens[k]!.start < statement.end; k++) inImport[k] = 1
  }
  const afterImports = leadingImportsEnd(tokens, imports)
  if (cachedNames.size === 0 && namespaces.size === 0) return { sites: [], afterImports }

  const bindings = scanBindings(tokens, code.length, (i) => inImport[i] === 1)
  for (const statement of imports) for (const entry of statement.entries) bindings.topLevel.add(entry.localName.value)
  for (const name of [...cachedNames, ...namespaces]) if (bindings.possible.has(name)) throw new Unsupported(`${name} is declared again`)

  const reader = new ArgumentReader(tokens, bindings, typescript)
  const sites: CallSite<Span>[] = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (inImport[i] || t.kind !== 'name' || isPropertyName(tokens, i)) continue
    let open: number
    if (cachedNames.has(t.text)) open = i + 1
    else if (namespaces.has(t.text) && tokens[i + 1]?.text === '.' && tokens[i + 2]?.text === 'cached') open = i + 3
    else if (namespaces.has(t.text) && tokens[i + 1]?.text !== '.' && tokens[i + 1]?.text !== '?.' && tokens[i + 1]?.text !== '[') continue
    else if (namespaces.has(t.text) && tokens[i + 1]?.text === '.') continue
    else if (namespaces.has(t.text)) throw new Unsupported('namespace used as ns?.x or ns[x]')
    else continue
    const paren = tokens[open]
    const before = tokens[i - 1]
    if (paren?.text !== '(' || before?.text === 'new' || before?.text === '@') throw new Unsupported(`${t.text} not called plainly`)
    const close = tokens[paren.match]!
    if (tokens[paren.match + 1]?.text === '{' && !tokens[paren.match + 1]!.newlineBefore) throw new Unsupported('a method named like cached')
    sites.push(reader.site(t.start, open, close.end))
  }
  return { sites, afterImports }
}

/** Whether `this`, `super` or `arguments` at i is surely that expression, not a key or method named so (`{ this: 1 }`, `super() {}`). */
function isExpressionWord(tokens: readonly Token[], i: number): boolean {
  const after = tokens[i + 1]
  if (!after) return true
  if (after.text === ':' || after.text === '=' || after.text === '?') return false
  return !(after.text === '(' && tokens[after.match + 1]?.text === '{')
}

/** A name after `.` or `?.` is a property, never a variable. */
function isPropertyName(tokens: readonly Token[], i: number): boolean {
  const before = tokens[i - 1]
  return before !== undefined && (before.text === '.' || before.text === '?.')
}

/** Where the module's leading imports end (what collectCallSites calls afterImports); a leading directive isn't handled. */
function leadingImportsEnd(tokens: readonly Token[], imports: EcmaScriptModule['staticImports']): number {
  if (tokens[0]?.kind === 'string') throw new Unsupported('directive')
  let end = 0
  let t = 0
  for (const statement of imports) {
    if (tokens[t]?.start !== statement.start) break
    end = statement.end
    while (t < tokens.length && tokens[t]!.start < end) t++
  }
  return end
}

/** Reads call arguments into the planner's values, as `valueOf` in oxc/collect.ts does from nodes. */
class ArgumentReader {
  constructor(
    private readonly tokens: readonly Token[],
    private readonly bindings: Bindings,
    private readonly typescript: boolean,
  ) {}

  site(start: number, open: number, end: number): CallSite<Span> {
    const args = this.split(open)
    const leaveAsIs = args.length < 2 || args.length > 3 || args.some(([from]) => this.tokens[from]!.text === '...')
    const site: CallSite<Span> = { node: { start, end }, start, end, template: this.template(args[0], start, end), leaveAsIs }
    if (args[1] && this.tokens[args[1][0]]!.text !== '...') site.fetcher = this.value(args[1][0], args[1][1])
    if (args[2] && this.tokens[args[2][0]]!.text !== '...') site.options = this.value(args[2][0], args[2][1])
    return site
  }

  /** The token ranges [from, to) of the items of the group opened at `open`, split at its top-level commas. */
  private split(open: number): [number, number][] {
    const close = this.tokens[open]!.match
    const items: [number, number][] = []
    let from = open + 1
    for (let j = open + 1; j <= close; j++) {
      const t = this.tokens[j]!
      if (j === close || t.text === ',') {
        if (j > from) items.push([from, j])
        else if (j !== close) throw new Unsupported('empty item')
        from = j + 1
      } else if (t.match > j) j = t.match - 1
    }
    return items
  }

  private template(arg: [number, number] | undefined, start: number, end: number): TemplateArg {
    if (!arg) return { kind: 'dynamic', start, end }
    const [from, to] = arg
    this.checkUnwrapped(from, to)
    const text = to === from + 1 ? this.stringValue(this.tokens[from]!) : undefined
    const range = this.range(from, to)
    return text === undefined ? { kind: 'dynamic', ...range } : { kind: 'literal', text, ...range }
  }

  private value(from: number, to: number): Value<Span> {
    this.checkUnwrapped(from, to)
    const tokens = this.tokens
    const first = tokens[from]!
    const node = this.range(from, to)
    const base = { node, ...node }
    if (to === from + 1) {
      const text = this.stringValue(first)
      if (text !== undefined) return { kind: 'literal', value: text, ...base }
      if (first.kind === 'number') return numberValue(first.text, base)
      if (first.text === 'true' || first.text === 'false') return { kind: 'literal', value: first.text === 'true', ...base }
      if (first.kind === 'name' && !isReserved(first.text) && first.text !== 'undefined') {
        return { kind: 'reference', name: first.text, binding: this.resolve(first.text, first.start), ...base }
      }
      return { kind: 'other', ...base }
    }
    if (to === from + 2 && first.text === '-' && tokens[from + 1]!.kind === 'number') {
      const number = numberValue(tokens[from + 1]!.text, base)
      return number.kind === 'literal' ? { ...number, value: -number.value } : number
    }
    const fn = this.functionAt(from, to)
    if (fn) return { kind: 'function', hoistable: this.hoistable(fn, from, to), ...base }
    // An arrow this doesn't read (type parameters, a return type) must not pass for 'other'.
    if (first.text === '<' || this.hasTopLevel(from, to, '=>')) throw new Unsupported('arrow function with types')
    if (first.text === '{' && first.match === to - 1) return this.object(from, base)
    return { kind: 'other', ...base }
  }

  private object(open: number, base: { node: Span; start: number; end: number }): Value<Span> {
    const tokens = this.tokens
    const properties: Property<Span>[] = []
    for (const [from, to] of this.split(open)) {
      const key = tokens[from]!
      const keyText = key.kind === 'name' ? key.text : this.stringValue(key)
      const plain = keyText !== undefined && key.kind !== 'template' && (to === from + 1 ? key.kind === 'name' : tokens[from + 1]!.text === ':')
      if (!plain) return { kind: 'other', ...base }
      const value = to === from + 1 ? this.value(from, to) : this.value(from + 2, to)
      properties.push({ key: keyText!, value, node: this.range(from, to), ...this.range(from, to) })
    }
    return { kind: 'object', properties, ...base }
  }

  /** An argument that is one function: `[async] (params) => body`, `[async] x => body`, `[async] function [name] (params) { }`. */
  private functionAt(from: number, to: number): { params: number; arrow: boolean; name?: string } | undefined {
    const tokens = this.tokens
    let i = tokens[from]!.text === 'async' && from + 1 < to && !tokens[from + 1]!.newlineBefore ? from + 1 : from
    const t = tokens[i]!
    if (t.text === '(' && tokens[t.match + 1]?.text === '=>') return { params: i, arrow: true }
    if (t.kind === 'name' && tokens[i + 1]?.text === '=>' && !isReserved(t.text)) return { params: i, arrow: true }
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
  private hoistable(fn: { params: number; arrow: boolean; name?: string }, from: number, to: number): boolean {
    const tokens = this.tokens
    const start = tokens[from]!.start
    const end = tokens[to - 1]!.end
    if (this.needsItsContext(fn.arrow, from, to)) return false
    const p = tokens[fn.params]!
    const own = p.kind === 'name' ? [p.text] : paramNames(tokens, fn.params)
    if (!own) throw new Unsupported('parameters')
    if (fn.name) own.push(fn.name)
    const paramsEnd = p.kind === 'name' ? fn.params + 1 : p.match + 1
    if (this.readsOuterLocal(own, paramsEnd, { start, end }, to)) return false
    for (let j = from; j < to; j++) {
      const t = tokens[j]!
      // A function expression's own `this` & co. are fine; an arrow's are those around it.
      if (fn.arrow && (t.text === 'this' || t.text === 'arguments' || ((t.text === 'new' || t.text === 'import') && tokens[j + 1]?.text === '.'))) {
        throw new Unsupported(`${t.text} in a function`)
      }
      if (j >= fn.params && j < paramsEnd) continue
      if (t.kind !== 'name' || isReserved(t.text) || own.includes(t.text) || isPropertyName(tokens, j)) continue
      const outer = this.bindings.possible.get(t.text)?.some(({ at, scope }) => (at < start || at >= end) && scope.start <= t.start && t.start < scope.end)
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
  private readsOuterLocal(own: readonly string[], body: number, fn: Range, to: number): boolean {
    const tokens = this.tokens
    for (let j = body; j < to; j++) {
      const t = tokens[j]!
      if (t.kind !== 'name' || isReserved(t.text) || own.includes(t.text) || isPropertyName(tokens, j)) continue
      const before = tokens[j - 1]!.text
      const after = tokens[j + 1]?.text
      // The first token of an arrow's expression body is an expression (unless it starts another arrow).
      const bodyStart = before === '=>' && j === body + 1 && after !== '=>' && t.text !== 'async'
      const member = after === '.' && (!this.typescript || before === 'return' || before === 'await' || bodyStart)
      if (!bodyStart && !member) continue
      const around = this.bindings.certain.get(t.text)?.some((r) => r.start <= fn.start && fn.end <= r.end)
      const inside = this.bindings.possible.get(t.text)?.some(({ at }) => fn.start <= at && at < fn.end)
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
  private needsItsContext(arrow: boolean, from: number, to: number): boolean {
    const tokens = this.tokens
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

  /** Where `name`, read at `at`, is bound: surely local, surely not, or throws. */
  private resolve(name: string, at: number): 'local' | 'module' | 'global' {
    if (this.bindings.certain.get(name)?.some((r) => r.start <= at && at < r.end)) return 'local'
    if (this.bindings.possible.get(name)?.some(({ scope }) => scope.start <= at && at < scope.end)) throw new Unsupported(`${name} may be local`)
    return this.bindings.topLevel.has(name) ? 'module' : 'global'
  }

  /** A string literal's value, or a template's without `${}`, when no escape makes raw and cooked text differ. */
  private stringValue(t: Token): string | undefined {
    if (t.kind !== 'string' && !(t.kind === 'template' && t.text.startsWith('`') && t.text.endsWith('`') && t.text.length > 1)) return undefined
    const raw = t.text.slice(1, -1)
    if (raw.includes('\\') || raw.includes('\r')) throw new Unsupported('escape in a literal')
    return raw
  }

  /** Parentheses and `as` can make a node oxc unwraps (collect.ts's `unwrap`): leave those to it. */
  private checkUnwrapped(from: number, to: number): void {
    const first = this.tokens[from]!
    if (first.text === '(' && first.match === to - 1) throw new Unsupported('parenthesized argument')
    if (this.hasTopLevel(from, to, 'as')) throw new Unsupported('as')
  }

  /** Whether tokens [from, to), outside nested groups, have one spelled `text`. */
  private hasTopLevel(from: number, to: number, text: string): boolean {
    for (let j = from; j < to; j++) {
      const t = this.tokens[j]!
      if (t.text === text && !isPropertyName(this.tokens, j)) return true
      if (t.match > j) j = t.match - 1
    }
    return false
  }

  private range(from: number, to: number): Span {
    return { start: this.tokens[from]!.start, end: this.tokens[to - 1]!.end }
  }
}

function numberValue(text: string, base: { node: Span; start: number; end: number }): Value<Span> {
  if (text.endsWith('n')) return { kind: 'other', ...base }
  const value = Number(text.replace(/_/g, ''))
  if (Number.isNaN(value)) throw new Unsupported(`number ${text}`)
  return { kind: 'literal', value, ...base }
}
