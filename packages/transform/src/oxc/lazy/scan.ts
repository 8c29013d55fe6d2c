/**
 * One pass over oxc-parser's lazy raw-transfer tree (Node >= 22) with its visitor, which walks
 * the parser's buffer in place and builds a JS object only for the node types it is given. The
 * pass gathers what ../walk.ts and ../reads.ts find in ESTree: the scopes and what they
 * declare, the calls of a callee that may be cacheme's `cached`, and, inside those calls only,
 * every identifier read and every `this` / `super` / `#x` / JSX / `new.target` with its scope and
 * function depth, so a fetcher's reads come without walking it again.
 *
 * oxc-parser 0.159's lazy tree leaves some fields out: rest elements (`...rest` of a pattern, a
 * parameter list or an assignment target) and a class's `extends` clause. A scope with a rest
 * element is marked incomplete (a lookup that reaches it unanswered throws INCOMPLETE_SCOPE), and
 * where a missing field could hold a call site or a fetcher's read the scan throws
 * LAZY_UNSUPPORTED: the module is then read through the full tree. The scan never guesses.
 */
import * as oxc from 'oxc-parser'
import type { CachemeImports } from '../imports.js'
import { createScope, hoistTarget, type Scope } from '../scope.js'

export type LazyNode = { type: string; start: number; end: number; [key: string]: any }

/** Thrown when the lazy tree lacks something this module needs (see above). */
export const LAZY_UNSUPPORTED = new Error('@cacheme/transform: the lazy syntax tree lacks a field this module needs')

/** An identifier read inside a candidate call, as ../walk.ts reports it to ../reads.ts. */
export interface Read {
  name: string
  scope: Scope
  /** Non-arrow functions around it. */
  depth: number
  start: number
}

export interface ContextRead {
  type: string
  depth: number
  start: number
}

export interface Scan {
  candidates: { call: LazyNode; scope: Scope; callee: string }[]
  /** Method calls on a call's result, by that inner call: `cached(...).get(p)`. */
  uses: Map<LazyNode, { method: string; args: LazyNode[] }>
  reads: Read[]
  context: ContextRead[]
  /** Each function inside a candidate call: its own scope, and the function depth around it. */
  functions: Map<LazyNode, { scope: Scope; depth: number }>
}

/** The state of the scan under way (the visitor is made once; a scan runs to its end synchronously). */
interface State extends Scan {
  code: string
  imports: CachemeImports
  /** Whether a class heading with `extends` may name the callee (a unicode escape can hide it). */
  mayMention: (text: string) => boolean
  scope: Scope
  depth: number
  /** Inside a type (annotations, type parameters and arguments, interfaces, aliases, `declare function`). */
  inType: number
  /** Offsets before which a node is inside a candidate call (or the method call on its result). */
  recordUntil: number
  /** Types written directly after `as` / `satisfies` / `<T>`: their names are no reads. */
  typeRanges: { start: number; end: number }[]
}

let state: State | undefined

const CONTEXT_TYPES = ['ThisExpression', 'Super', 'PrivateIdentifier', 'NewTarget', 'ImportMeta', 'JSXElement', 'JSXFragment'] as const
const REST = '...'

function current(): State {
  return state!
}

function push(hoists: boolean): void {
  const s = current()
  s.scope = createScope(s.scope, hoists)
}

function pop(): void {
  const s = current()
  s.scope = s.scope.parent!
}

function recording(node: LazyNode): boolean {
  const s = current()
  return s.inType === 0 && node.start < s.recordUntil
}

/** Adds every name a binding pattern declares; a rest element the lazy tree lacks makes `scope` incomplete. */
function declarePattern(scope: Scope, pattern: LazyNode | null | undefined): void {
  if (!pattern) return
  switch (pattern.type) {
    case 'BindingIdentifier':
      scope.names.add(pattern.name)
      break
    case 'ObjectPattern':
      if (textOf(pattern).includes(REST)) scope.incomplete = true
      for (const property of pattern.properties as LazyNode[]) declarePattern(scope, property.value)
      break
    case 'ArrayPattern':
      if (textOf(pattern).includes(REST)) scope.incomplete = true
      for (const element of pattern.elements as (LazyNode | null)[]) declarePattern(scope, element)
      break
    case 'AssignmentPattern':
      declarePattern(scope, pattern.left)
      break
  }
}

function textOf(node: { start: number; end: number }): string {
  return current().code.slice(node.start, node.end)
}

function enterFunction(node: LazyNode, arrow: boolean): void {
  const s = current()
  const outer = s.depth
  if (!arrow && node.type === 'FunctionDeclaration' && node.id) s.scope.names.add(node.id.name)
  push(true)
  if (!arrow) s.depth++
  if (!arrow && node.type === 'FunctionExpression' && node.id) s.scope.names.add(node.id.name)
  const { params } = node
  // A rest parameter: left out of the lazy tree; its name is unknown, and reads in a default of it are lost.
  if (textOf(params).includes(REST)) {
    if (recording(node)) throw LAZY_UNSUPPORTED
    s.scope.incomplete = true
  }
  for (const param of params.items as LazyNode[]) declarePattern(s.scope, param.pattern)
  if (recording(node)) s.functions.set(node, { scope: s.scope, depth: outer })
}

/** The types the lazy tree has for what ../walk.ts leaves unwalked. */
const TYPE_CONTAINERS = ['TSTypeAnnotation', 'TSTypeParameterDeclaration', 'TSTypeParameterInstantiation', 'TSInterfaceDeclaration', 'TSTypeAliasDeclaration'] as const

/** oxc-parser's JS entry exports this (src-js/index.js) though its typings don't declare it; it loads only where raw transfer works. */
type LazyVisitorClass = new (visitors: Record<string, (node: any) => void>) => unknown

function makeVisitor(): unknown {
  const Visitor = (oxc as unknown as { experimentalGetLazyVisitor(): LazyVisitorClass }).experimentalGetLazyVisitor()
  const visitors: Record<string, (node: any) => void> = {
    Function(node: LazyNode) {
      const s = current()
      // `declare function` and an overload signature: no scope in ESTree's walk either.
      if (node.type === 'TSDeclareFunction' || node.type === 'TSEmptyBodyFunctionExpression' || s.inType > 0) {
        if (node.type === 'TSEmptyBodyFunctionExpression' && recording(node)) throw LAZY_UNSUPPORTED
        s.inType++
        return
      }
      enterFunction(node, false)
    },
    'Function:exit'(node: LazyNode) {
      const s = current()
      if (node.type === 'TSDeclareFunction' || node.type === 'TSEmptyBodyFunctionExpression' || s.inType > 0) {
        s.inType--
        return
      }
      pop()
      s.depth--
    },
    ArrowFunctionExpression(node: LazyNode) {
      if (current().inType === 0) enterFunction(node, true)
    },
    'ArrowFunctionExpression:exit'() {
      if (current().inType === 0) pop()
    },
    Class(node: LazyNode) {
      const s = current()
      if (s.inType > 0) return
      if (node.type === 'ClassDeclaration' && node.id) s.scope.names.add(node.id.name)
      // The lazy tree has no `extends` clause: a call site or a fetcher's read there would be missed.
      const heading = s.code.slice(node.start, node.body.start)
      if (heading.includes('extends') && (recording(node) || s.mayMention(heading))) throw LAZY_UNSUPPORTED
      push(false)
      if (node.type === 'ClassExpression' && node.id) s.scope.names.add(node.id.name)
    },
    'Class:exit'() {
      if (current().inType === 0) pop()
    },
    CatchClause(node: LazyNode) {
      if (current().inType > 0) return
      push(false)
      if (node.param) declarePattern(current().scope, node.param.pattern)
    },
    'CatchClause:exit'() {
      if (current().inType === 0) pop()
    },
    VariableDeclaration(node: LazyNode) {
      const s = current()
      if (s.inType > 0) return
      const target = node.kind === 'var' ? hoistTarget(s.scope) : s.scope
      for (const declarator of node.declarations as LazyNode[]) declarePattern(target, declarator.id)
    },
    ImportDeclaration(node: LazyNode) {
      const s = current()
      for (const specifier of (node.specifiers ?? []) as LazyNode[]) s.scope.names.add(specifier.local.name)
    },
    TSImportEqualsDeclaration(node: LazyNode) {
      current().scope.names.add(node.id.name)
    },
    TSEnumDeclaration(node: LazyNode) {
      if (current().inType === 0) current().scope.names.add(node.id.name)
    },
    // ESTree reports an enum member's name as an identifier: so does this.
    TSEnumMember(node: LazyNode) {
      const s = current()
      if (recording(node) && node.id.type === 'IdentifierName') s.reads.push({ name: node.id.name, scope: s.scope, depth: s.depth, start: node.id.start })
    },
    // Namespaces are spelled differently by the two trees (`A.B`, `global`): the full tree decides.
    TSNamespaceDeclaration() {
      throw LAZY_UNSUPPORTED
    },
    TSGlobalDeclaration() {
      throw LAZY_UNSUPPORTED
    },
    TSExternalModuleDeclaration() {
      throw LAZY_UNSUPPORTED
    },
    CallExpression(node: LazyNode) {
      const s = current()
      if (s.inType > 0) return
      const { callee } = node
      // Only a candidate's method calls are ever looked up (and their arguments read: a plain array, not oxc's proxy).
      if (callee.type === 'StaticMemberExpression' && callee.object.type === 'CallExpression' && calleeName(callee.object.callee, s.imports) !== undefined) {
        s.uses.set(callee.object, { method: callee.property.name, args: [...node.arguments] })
        s.recordUntil = Math.max(s.recordUntil, node.end)
      }
      const name = calleeName(callee, s.imports)
      if (name === undefined) return
      s.candidates.push({ call: node, scope: s.scope, callee: name })
      s.recordUntil = Math.max(s.recordUntil, node.end)
    },
    IdentifierReference(node: LazyNode) {
      const s = current()
      if (!recording(node)) return
      const { start } = node
      if (s.typeRanges.some((r) => r.start <= start && start < r.end)) return
      s.reads.push({ name: node.name, scope: s.scope, depth: s.depth, start })
    },
    // Rest elements of assignment targets: the lazy tree leaves them out, and they are writes a fetcher makes.
    ObjectAssignmentTarget(node: LazyNode) {
      if (recording(node) && textOf(node).includes(REST)) throw LAZY_UNSUPPORTED
    },
    ArrayAssignmentTarget(node: LazyNode) {
      if (recording(node) && textOf(node).includes(REST)) throw LAZY_UNSUPPORTED
    },
  }
  for (const type of ['TSAsExpression', 'TSSatisfiesExpression', 'TSTypeAssertion']) {
    visitors[type] = (node: LazyNode) => {
      if (recording(node)) current().typeRanges.push({ start: node.typeAnnotation.start, end: node.typeAnnotation.end })
    }
  }
  for (const type of TYPE_CONTAINERS) {
    visitors[type] = () => void current().inType++
    visitors[`${type}:exit`] = () => void current().inType--
  }
  for (const [type, hoists] of [['StaticBlock', true], ['BlockStatement', false], ['SwitchStatement', false], ['ForStatement', false], ['ForInStatement', false], ['ForOfStatement', false]] as const) {
    visitors[type] = () => {
      if (current().inType === 0) push(hoists)
    }
    visitors[`${type}:exit`] = () => {
      if (current().inType === 0) pop()
    }
  }
  for (const type of CONTEXT_TYPES) {
    visitors[type] = (node: LazyNode) => {
      const s = current()
      if (recording(node)) s.context.push({ type, depth: s.depth, start: node.start })
    }
  }
  return new Visitor(visitors)
}

let visitor: unknown

/** Scans a lazily parsed module (`parsed.visit`) for its call sites and what classifying them needs. */
export function scanLazy(parsed: { visit(visitor: never): void }, code: string, imports: CachemeImports): Scan {
  visitor ??= makeVisitor()
  const escapes = code.includes('\\u')
  const names = [...imports.cached, ...imports.namespaces]
  state = {
    code,
    imports,
    mayMention: (text) => escapes || names.some((name) => text.includes(name)),
    scope: createScope(undefined, true),
    depth: 0,
    inType: 0,
    recordUntil: -1,
    typeRanges: [],
    candidates: [],
    uses: new Map(),
    reads: [],
    context: [],
    functions: new Map(),
  }
  try {
    parsed.visit(visitor as never)
    const { candidates, uses, reads, context, functions } = state
    return { candidates, uses, reads, context, functions }
  } finally {
    state = undefined
  }
}

/** The binding the callee reads (`cached`, or the namespace of `ns.cached`), if it can be cacheme's. */
function calleeName(callee: LazyNode, { cached, namespaces }: CachemeImports): string | undefined {
  let target = callee
  while (target.type === 'ParenthesizedExpression') target = target.expression
  if (target.type === 'IdentifierReference') return cached.has(target.name) ? target.name : undefined
  if (target.type !== 'StaticMemberExpression' && target.type !== 'ComputedMemberExpression') return undefined
  if (target.object.type !== 'IdentifierReference' || !namespaces.has(target.object.name)) return undefined
  const { property } = target
  const name = target.type === 'StaticMemberExpression' ? property.name : property.type === 'StringLiteral' ? property.value : undefined
  return name === 'cached' ? target.object.name : undefined
}

