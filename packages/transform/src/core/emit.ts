/**
 * The code the compiler adds, as a small expression tree that each front end prints its own
 * way (text for magic-string, factory nodes for TypeScript). What to emit is decided once, here
 * and in plan.ts; the printers only spell it.
 */
export type Emit<N> =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'null' }
  | { kind: 'identifier'; name: string }
  /** `__cachemeStore` / `__cachemeParam` from 'cacheme', however the front end imports them. */
  | { kind: 'runtime'; name: RuntimeName }
  | { kind: 'array'; items: Emit<N>[] }
  | { kind: 'object'; properties: [string, Emit<N>][] }
  | { kind: 'call'; callee: Emit<N>; args: Emit<N>[] }
  | { kind: 'arrow'; param: string; body: Emit<N> }
  | { kind: 'concat'; parts: Emit<N>[] }
  /** A piece of the module's own source (a fetcher or an option value), moved here from its call site. */
  | { kind: 'source'; node: N; start: number; end: number }

export type RuntimeName = '__cachemeStore' | '__cachemeParam'

/** Quotes text as a single-quoted JS string literal. */
export function quote(text: string): string {
  // Most texts need no escape: a test is much cheaper than a replace with a callback.
  return `'${NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, (c) => ESCAPES[c]!) : text}'`
}

const ESCAPED = /[\\'\n\r\u2028\u2029]/g
const NEEDS_ESCAPE = /[\\'\n\r\u2028\u2029]/

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\u2028': '\\u2028', '\u2029': '\\u2029' }

/** The template, safe inside a block comment. */
export function commentText(template: string): string {
  if (!COMMENT_UNSAFE.test(template)) return template
  return template.replace(/\*\//g, '*\\/').replace(/[\r\n\u2028\u2029]/g, ' ')
}

const COMMENT_UNSAFE = /\*\/|[\r\n\u2028\u2029]/
