import type { ContextUse, FunctionReads, Member, Shape, Syntax } from '../../core/syntax.js'
import { isWithin } from '../reads.js'
import { lookup, resolve, type Scope } from '../scope.js'
import type { LazyNode, Scan } from './scan.js'

/** oxc's lazy syntax tree (its Rust AST) as the classifier sees it, for nodes evaluated in `scope`. */
export function lazySyntax(scope: Scope, scan: Scan): Syntax<LazyNode> {
  // The classifier asks for a node's shape several times; each answer reads oxc's getters (and
  // its arrays, behind a Proxy): read once.
  const shapes = new Map<LazyNode, Shape<LazyNode>>()
  return {
    shape: (node) => {
      let shape = shapes.get(node)
      if (!shape) shapes.set(node, (shape = shapeOf(node, scope, scan)))
      return shape
    },
    range: (node) => ({ start: node.start, end: node.end }),
  }
}

function shapeOf(node: LazyNode, scope: Scope, scan: Scan): Shape<LazyNode> {
  switch (node.type) {
    case 'ParenthesizedExpression':
      return { type: 'wrapped', inner: node.expression }
    case 'TSAsExpression':
      return node.typeAnnotation?.type === 'TSTypeReference' && node.typeAnnotation.typeName?.name === 'const' ? { type: 'wrapped', inner: node.expression } : { type: 'other' }
    case 'StringLiteral':
      return { type: 'string', value: node.value, template: false }
    case 'NumericLiteral':
      return { type: 'number', value: node.value }
    case 'BooleanLiteral':
      return { type: 'boolean', value: node.value }
    case 'TemplateLiteral': {
      if (node.expressions.length !== 0) return { type: 'other' }
      const cooked: unknown = node.quasis[0].value.cooked
      return typeof cooked === 'string' ? { type: 'string', value: cooked, template: true } : { type: 'other' }
    }
    case 'UnaryExpression':
      return node.operator === '-' ? { type: 'negative', operand: node.argument } : { type: 'other' }
    case 'IdentifierReference':
      return { type: 'identifier', name: node.name, binding: resolve(scope, node.name) }
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return { type: 'function', reads: functionReads(node, scan) }
    case 'ObjectExpression':
      return { type: 'object', members: [...(node.properties as LazyNode[])].map(memberOf) }
    case 'ArrayExpression':
      // A hole is an `Elision` node here.
      return { type: 'array', elements: [...(node.elements as LazyNode[])].map((e) => (e.type === 'Elision' || e.type === 'SpreadElement' ? null : e)) }
    case 'SpreadElement':
      return { type: 'spread' }
    default:
      return { type: 'other' }
  }
}

function memberOf(property: LazyNode): Member<LazyNode> | null {
  if (property.type !== 'ObjectProperty' || property.kind !== 'init' || property.method || property.computed) return null
  const { key } = property
  if (key.type !== 'IdentifierName' && key.type !== 'StringLiteral') return null
  return { key: key.type === 'IdentifierName' ? (key.name as string) : (key.value as string), value: property.value as LazyNode, node: property, start: property.start, end: property.end }
}

/** Node types whose meaning comes from the code around the function, as ../reads.ts has them. */
const CONTEXT: Record<string, ContextUse> = { Super: 'super', PrivateIdentifier: 'private-name', JSXElement: 'jsx', JSXFragment: 'jsx' }
/** These only when no non-arrow function of the function's own provides them (`import.meta` counts as ESTree's MetaProperty). */
const OWN_FUNCTION_CONTEXT: Record<string, ContextUse> = { ThisExpression: 'this', NewTarget: 'new.target', ImportMeta: 'new.target' }

/** What the function expression `fn` reads from the code around it: ../reads.ts's answer, from what the scan recorded. */
function functionReads(fn: LazyNode, scan: Scan): FunctionReads {
  const own = scan.functions.get(fn)!
  const { start, end } = fn
  const context = new Set<ContextUse>()
  for (const use of scan.context) {
    if (use.start < start || use.start >= end) continue
    const found = CONTEXT[use.type] ?? (use.depth === own.depth ? OWN_FUNCTION_CONTEXT[use.type] : undefined)
    if (found) context.add(found)
  }
  const outer: FunctionReads['outer'] = []
  for (const read of scan.reads) {
    if (read.start < start || read.start >= end) continue
    const found = lookup(read.scope, read.name)
    if (found === undefined) {
      if (read.name === 'arguments' && read.depth === own.depth) context.add('arguments')
      else outer.push({ name: read.name, binding: 'global' })
    } else if (!isWithin(found, own.scope)) outer.push({ name: read.name, binding: found.parent === undefined ? 'module' : 'local' })
  }
  return { outer, context: [...context] }
}
