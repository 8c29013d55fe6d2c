import { visitorKeys } from 'oxc-parser'
import { createScope, declarePattern, hoistTarget, type Scope } from './scope.js'

export type Node = { type: string; start: number; end: number; [key: string]: any }

export interface WalkHooks {
  /** Every call expression, with the scope it is evaluated in. */
  call?(node: Node, scope: Scope): void
  /** Every identifier read as a variable (not a property name, label or type), and the function depth as for `node`. */
  reference?(node: Node, scope: Scope, functionDepth: number): void
  /** Every other node, with how many non-arrow functions of the walked tree enclose it. */
  node?(node: Node, functionDepth: number): void
  /**
   * Whether a node can be left unwalked: no hook needs anything inside it. Only the names it
   * declares in the scopes around it are still read (its own declarations, and the `var`s of
   * its nested statements), so those scopes stay complete.
   */
  prune?(node: Node): boolean
}

/** Children that can't hold a call or a value binding: types. (Decorators can: they are walked.) */
const SKIPPED_KEYS = new Set(['typeAnnotation', 'returnType', 'typeParameters', 'typeArguments', 'superTypeArguments'])
const SKIPPED_TYPES = new Set(['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'TSDeclareFunction'])
const CHILD_KEYS = new Map<string, string[]>()

function childKeys(type: string): string[] {
  let keys = CHILD_KEYS.get(type)
  if (!keys) CHILD_KEYS.set(type, (keys = (visitorKeys[type] ?? []).filter((key) => !SKIPPED_KEYS.has(key))))
  return keys
}

/**
 * Walks `root` in `scope`, declaring the names each scope binds as it goes (so references can
 * be resolved once the walk is over, hoisting included) and calling the hooks.
 */
export function walk(root: Node, scope: Scope, hooks: WalkHooks): void {
  const visit = (node: Node, scope: Scope, depth: number, parent: Node | undefined, key: string): void => {
    if (SKIPPED_TYPES.has(node.type)) return
    if (hooks.prune?.(node)) return declareOnly(node, scope)
    switch (node.type) {
      case 'ImportDeclaration':
      case 'TSImportEqualsDeclaration':
        declareOwn(node, scope)
        return
      case 'Identifier':
        if (hooks.reference && (!parent || isReference(parent, key))) hooks.reference(node, scope, depth)
        return
      case 'VariableDeclaration':
      case 'FunctionDeclaration':
      case 'ClassDeclaration':
      case 'TSEnumDeclaration':
      case 'TSModuleDeclaration':
        declareOwn(node, scope)
        break
      case 'CallExpression':
        hooks.call?.(node, scope)
        break
    }
    hooks.node?.(node, depth)
    let inner = scope
    let innerDepth = depth
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') {
      inner = createScope(scope, true)
      if (node.type !== 'ArrowFunctionExpression') innerDepth++
      if (node.type === 'FunctionExpression' && node.id) inner.names.add(node.id.name)
      for (const param of node.params as Node[]) declarePattern(inner, param)
    } else if (node.type === 'ClassExpression' && node.id) {
      inner = createScope(scope, false)
      inner.names.add(node.id.name)
    } else if (node.type === 'CatchClause') {
      inner = createScope(scope, false)
      declarePattern(inner, node.param)
    } else if (node.type === 'StaticBlock' || node.type === 'TSModuleBlock') {
      inner = createScope(scope, true)
    } else if (
      node.type === 'BlockStatement' ||
      node.type === 'SwitchStatement' ||
      node.type === 'ForStatement' ||
      node.type === 'ForInStatement' ||
      node.type === 'ForOfStatement'
    ) {
      inner = createScope(scope, false)
    }
    for (const childKey of childKeys(node.type)) {
      const child = node[childKey]
      if (child === null || child === undefined) continue
      if (Array.isArray(child)) {
        for (const item of child) if (item !== null) visit(item, inner, innerDepth, node, childKey)
      } else visit(child, inner, innerDepth, node, childKey)
    }
  }
  visit(root, scope, 0, undefined, '')
}

/** What an unwalked node declares in `scope` (and, for its nested `var`s, in the function scope around it). */
function declareOnly(node: Node, scope: Scope): void {
  if (node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration') {
    if (node.declaration) declareOnly(node.declaration, scope)
  } else if (!declareOwn(node, scope)) hoistedVars(node, hoistTarget(scope))
}

/** Declares the names a declaration binds in the scope it is in (`var`s: the function's); false for a node that isn't one. */
function declareOwn(node: Node, scope: Scope): boolean {
  switch (node.type) {
    case 'ImportDeclaration':
      for (const specifier of node.specifiers as Node[]) scope.names.add(specifier.local.name)
      return true
    case 'TSImportEqualsDeclaration':
      scope.names.add(node.id.name)
      return true
    case 'VariableDeclaration':
      for (const declarator of node.declarations as Node[]) declarePattern(node.kind === 'var' ? hoistTarget(scope) : scope, declarator.id)
      return true
    case 'FunctionDeclaration':
    case 'ClassDeclaration':
    case 'TSEnumDeclaration':
      if (node.id) scope.names.add(node.id.name)
      return true
    case 'TSModuleDeclaration':
      if (node.id?.type === 'Identifier') scope.names.add(node.id.name)
      return true
    default:
      return false
  }
}

/**
 * The `var` declarations of a statement's nested statements, which belong to the function (or
 * module) around it. Functions, classes and expressions keep theirs: not entered.
 */
function hoistedVars(node: Node | null | undefined, target: Scope): void {
  if (!node) return
  switch (node.type) {
    case 'VariableDeclaration':
      if (node.kind === 'var') for (const declarator of node.declarations as Node[]) declarePattern(target, declarator.id)
      return
    case 'BlockStatement':
      for (const statement of node.body as Node[]) hoistedVars(statement, target)
      return
    case 'IfStatement':
      hoistedVars(node.consequent, target)
      hoistedVars(node.alternate, target)
      return
    case 'ForStatement':
      hoistedVars(node.init, target)
      hoistedVars(node.body, target)
      return
    case 'ForInStatement':
    case 'ForOfStatement':
      hoistedVars(node.left, target)
      hoistedVars(node.body, target)
      return
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'LabeledStatement':
    case 'WithStatement':
      hoistedVars(node.body, target)
      return
    case 'TryStatement':
      hoistedVars(node.block, target)
      hoistedVars(node.handler?.body, target)
      hoistedVars(node.finalizer, target)
      return
    case 'SwitchStatement':
      for (const c of node.cases as Node[]) for (const statement of c.consequent as Node[]) hoistedVars(statement, target)
      return
    case 'ExportNamedDeclaration':
      hoistedVars(node.declaration, target)
  }
}

/** Whether an identifier under `parent.key` reads a variable (and isn't a property name or label). */
function isReference(parent: Node, key: string): boolean {
  switch (parent.type) {
    case 'MemberExpression':
      return key !== 'property' || parent.computed
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition':
    case 'AccessorProperty':
    case 'TSPropertySignature':
      return key !== 'key' || parent.computed
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
    case 'MetaProperty':
      return false
    default:
      return true
  }
}
