import type { CallSite, Property, TemplateArg, Value } from '../core/site.js'
import type { Bindings } from './bindings.js'
import { functionAt, isHoistable } from './functions.js'
import { isKeyword } from './patterns.js'
import { isPropertyName, Unsupported, type Token } from './tokens.js'

/** A front-end node of the fast path: the token range of an argument or property. */
export interface Span {
  start: number
  end: number
}

/** Reads call arguments into the planner's values, as `valueOf` in oxc/collect.ts does from nodes. */
export class ArgumentReader {
  constructor(
    readonly tokens: readonly Token[],
    readonly bindings: Bindings,
    readonly typescript: boolean,
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
      if (first.kind === 'name' && !isKeyword(first.text) && first.text !== 'undefined') {
        return { kind: 'reference', name: first.text, binding: this.resolve(first.text, first.start), ...base }
      }
      return { kind: 'other', ...base }
    }
    if (to === from + 2 && first.text === '-' && tokens[from + 1]!.kind === 'number') {
      const number = numberValue(tokens[from + 1]!.text, base)
      return number.kind === 'literal' ? { ...number, value: -number.value } : number
    }
    const fn = functionAt(tokens, from, to)
    if (fn) return { kind: 'function', hoistable: isHoistable(this, fn, from, to), ...base }
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
