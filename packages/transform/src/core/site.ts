/**
 * What a front end (oxc or TypeScript) reports about one `cached()` call: the parser-agnostic
 * input of the planner. Offsets are UTF-16 offsets into the module's source text. `N` is the
 * front end's node type, carried through so it can rebuild the call from the plan.
 */

export type Literal = string | number | boolean

/** An argument or property value, classified by what the planner can do with it. */
export type Value<N> =
  /** A string, number (possibly negated), boolean, or a template literal without `${}`. */
  | { kind: 'literal'; value: Literal; node: N; start: number; end: number }
  /** An object literal made only of plain `key: value` properties (no spread, computed key, method or accessor). */
  | { kind: 'object'; properties: Property<N>[]; node: N; start: number; end: number }
  /** An identifier, and where its binding lives: module level (import or top-level declaration), a local scope, or nowhere (a global). */
  | { kind: 'reference'; name: string; binding: 'module' | 'local' | 'global'; node: N; start: number; end: number }
  /** An array literal without holes or spreads. */
  | { kind: 'array'; elements: Value<N>[]; node: N; start: number; end: number }
  /** A function or arrow expression; hoistable when it reads only its own, module-level or global bindings (no outer `this`). */
  | { kind: 'function'; hoistable: boolean; node: N; start: number; end: number }
  /** Anything else: evaluated at the call site, as written. */
  | { kind: 'other'; node: N; start: number; end: number }

export interface Property<N> {
  key: string
  value: Value<N>
  node: N
  /** The whole property, `key: value`. */
  start: number
  end: number
}

export type TemplateArg =
  | {
      kind: 'literal'
      /** The template text (the literal's cooked value). */
      text: string
      /** The literal's own range, quotes included (inside any parentheses). */
      start: number
      end: number
    }
  | { kind: 'dynamic'; start: number; end: number }

export interface CallSite<N> {
  node: N
  /** The whole call expression, callee to closing parenthesis. */
  start: number
  end: number
  template: TemplateArg
  /** Absent when the call has fewer than two arguments or spreads them; it is then left to the runtime. */
  fetcher?: Value<N>
  options?: Value<N>
  /** True when the arguments can't be analysed (spread, too many, too few): validate, don't rewrite. */
  leaveAsIs: boolean
  /** Object-literal params passed to a method of the store right away (`cached(...).get({ id })`): checked against the template. */
  params?: ParamsArg[]
}

/** An object literal given as params: its plain property names; `complete` when it has nothing else (no spread, no computed key). */
export interface ParamsArg {
  keys: { key: string; start: number; end: number }[]
  complete: boolean
  start: number
  end: number
}

/**
 * Files whose text can't contain a call of cacheme's `cached()`: every front end skips them
 * unparsed. Exact, not a guess: a module that imports `cached` (or the namespace) from
 * 'cacheme' has the specifier as a quoted string and the name `cached` in its text, unless an
 * escape spells them (`'\x63acheme'`, `\u0063ached`, a line continuation): a file with such an
 * escape is parsed, and its import record decides.
 */
export function mayContainCalls(code: string): boolean {
  return (SPECIFIER.test(code) || SPECIFIER_ESCAPE.test(code)) && (code.includes('cached') || NAME_ESCAPE.test(code))
}

const SPECIFIER = /['"]cacheme['"]/
/** Escapes that can stand for a letter of 'cacheme' (hex, unicode, an identity escape like `\c`) or continue a line. */
const SPECIFIER_ESCAPE = /\\[xucahem\r\n\u2028\u2029]/
/** The same for the letters of `cached`. */
const NAME_ESCAPE = /\\[xucahed\r\n\u2028\u2029]/
