/**
 * What a front end (oxc or TypeScript) tells the classifier about the syntax it parsed, and
 * nothing more: shapes of nodes, the bindings identifiers resolve to, and what a function
 * reads from outside itself. Every decision about those facts (what is a literal, what may be
 * hoisted) is taken once, in classify.ts, so the front ends can't disagree on a rule.
 */

/** Where an identifier's binding lives: module level (an import or top-level declaration), a local scope, or nowhere in this file (a global). */
export type Binding = 'module' | 'local' | 'global'

/** The syntactic shape of one expression node. */
export type Shape<N> =
  /** Parentheses, or `as const`: the classifier looks through them. */
  | { type: 'wrapped'; inner: N }
  /** A string literal, or a template literal without `${}` (its cooked text). */
  | { type: 'string'; value: string; template: boolean }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  /** Unary minus. */
  | { type: 'negative'; operand: N }
  | { type: 'identifier'; name: string; binding: Binding }
  | { type: 'function'; reads: FunctionReads }
  /** An object literal; a member that isn't a plain `key: value` or shorthand property is `null`. */
  | { type: 'object'; members: (Member<N> | null)[] }
  /** An array literal; holes and spreads are `null`. */
  | { type: 'array'; elements: (N | null)[] }
  | { type: 'spread' }
  | { type: 'other' }

export interface Member<N> {
  /** The property name (an identifier or a string literal key). */
  key: string
  /** The value node; for a shorthand property, the identifier. */
  value: N
  node: N
  start: number
  end: number
}

/** What a function reads from the code around it. */
export interface FunctionReads {
  /** Each identifier it reads that is declared outside it, with that binding. */
  outer: { name: string; binding: Binding }[]
  /** Syntax whose meaning depends on where the function is written. */
  context: ContextUse[]
}

/**
 * `this`, `arguments` and `new.target` of the surrounding code (read by an arrow, or by the
 * function itself when it is an arrow), `super`, a private name `#x`, or JSX (whose factory
 * is the module's choice).
 */
export type ContextUse = 'this' | 'arguments' | 'new.target' | 'super' | 'private-name' | 'jsx'

/** One call of `cached()` as a front end found it. */
export interface CallSyntax<N> {
  node: N
  start: number
  end: number
  /** The argument nodes, spreads included. */
  args: N[]
  /** `cached?.(...)`. */
  optional: boolean
  /** The method called on the call's result right away: `cached(...).get({ id })`. */
  use?: { method: string; args: N[] }
}

/** The syntax adapter: one per front end. */
export interface Syntax<N> {
  shape(node: N): Shape<N>
  /** The node's range, as UTF-16 offsets into the module's text (leading trivia excluded). */
  range(node: N): { start: number; end: number }
}
