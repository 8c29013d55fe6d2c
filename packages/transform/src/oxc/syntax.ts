import type { Shape, Syntax } from '../core/syntax.js'
import { functionReads } from './reads.js'
import { resolve, type Scope } from './scope.js'
import type { Node } from './walk.js'

/** oxc's syntax tree (ESTree / TS-ESTree) as the classifier sees it, for nodes evaluated in `scope`. */
export function oxcSyntax(scope: Scope): Syntax<Node> {
  return { shape: (node) => shapeOf(node, scope), range: (node) => ({ start: node.start, end: node.end }) }
}

function shapeOf(node: Node, scope: Scope): Shape<Node> {
  switch (node.type) {
    case 'ParenthesizedExpression':
      return { type: 'wrapped', inner: node.expression }
    case 'TSAsExpression':
      return node.typeAnnotation?.type === 'TSTypeReference' && node.typeAnnotation.typeName?.name === 'const'
        ? { type: 'wrapped', inner: node.expression }
        : { type: 'other' }
    case 'Literal':
      if (typeof node.value === 'string') return { type: 'string', value: node.value, template: false }
      if (typeof node.value === 'number') return { type: 'number', value: node.value }
      if (typeof node.value === 'boolean') return { type: 'boolean', value: node.value }
      return { type: 'other' }
    case 'TemplateLiteral':
      return node.expressions.length === 0 && typeof node.quasis[0].value.cooked === 'string'
        ? { type: 'string', value: node.quasis[0].value.cooked, template: true }
        : { type: 'other' }
    case 'UnaryExpression':
      return node.operator === '-' ? { type: 'negative', operand: node.argument } : { type: 'other' }
    case 'Identifier':
      return { type: 'identifier', name: node.name, binding: resolve(scope, node.name) }
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return { type: 'function', reads: functionReads(node, scope) }
    case 'ObjectExpression':
      return { type: 'object', members: (node.properties as Node[]).map(memberOf) }
    case 'ArrayExpression':
      return {
        type: 'array',
        elements: (node.elements as (Node | null)[]).map((e) => (e === null || e.type === 'SpreadElement' ? null : e)),
      }
    case 'SpreadElement':
      return { type: 'spread' }
    default:
      return { type: 'other' }
  }
}

function memberOf(property: Node) {
  if (property.type !== 'Property' || property.kind !== 'init' || property.method || property.computed) return null
  const { key } = property
  if (key.type !== 'Identifier' && !(key.type === 'Literal' && typeof key.value === 'string')) return null
  return {
    key: key.type === 'Identifier' ? (key.name as string) : (key.value as string),
    value: property.value as Node,
    node: property,
    start: property.start,
    end: property.end,
  }
}
