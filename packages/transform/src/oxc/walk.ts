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
   * Whether a function's body may matter to the hooks; when false it isn't walked. (Whatever a
   * function declares stays inside it, `var` included, so the scopes around it don't change.)
   */
  enterFunction?(node: Node): boolean
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
    switch (node.type) {
      case 'ImportDeclaration':
        for (const specifier of node.specifiers as Node[]) scope.names.add(specifier.local.name)
        return
      case 'TSImportEqualsDeclaration':
        scope.names.add(node.id.name)
        return
      case 'Identifier':
        if (hooks.reference && (!parent || isReference(parent, key))) hooks.reference(node, scope, depth)
        return
      case 'VariableDeclaration':
        for (const declarator of node.declarations as Node[]) {
          declarePattern(node.kind === 'var' ? hoistTarget(scope) : scope, declarator.id)
        }
        break
      case 'FunctionDeclaration':
      case 'ClassDeclaration':
      case 'TSEnumDeclaration':
        if (node.id) scope.names.add(node.id.name)
        break
      case 'TSModuleDeclaration':
        if (node.id?.type === 'Identifier') scope.names.add(node.id.name)
        break
      case 'CallExpression':
        hooks.call?.(node, scope)
        break
    }
    hooks.node?.(node, depth)
    let inner = scope
    let innerDepth = depth
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') {
      if (hooks.enterFunction && !hooks.enterFunction(node)) return
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
    } else if (node.type === 'BlockStatement' || node.type === 'SwitchStatement' || node.type === 'ForStatement' || node.type === 'ForInStatement' || node.type === 'ForOfStatement') {
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
