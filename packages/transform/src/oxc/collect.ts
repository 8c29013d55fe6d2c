import type { CallSite, Property, TemplateArg, Value } from '../core/site.js'
import { isHoistableFunction } from './hoistable.js'
import type { CachemeImports } from './imports.js'
import { createScope, resolve, type Scope } from './scope.js'
import { walk, type Node } from './walk.js'

export type { Node }

/** The `cached()` calls of a module whose callee is `cached` imported from 'cacheme' and not shadowed. */
export interface Collected {
  sites: CallSite<Node>[]
  /** End offset of the leading imports and directives: where hoisted stores go. */
  afterImports: number
}

export function collectCallSites(program: Node, imports: CachemeImports): Collected {
  let afterImports = 0
  for (const statement of program.body as Node[]) {
    // Stores go after the leading imports (and directives): before any code that could use them.
    if (statement.type !== 'ImportDeclaration' && !statement.directive) break
    afterImports = statement.end
  }

  const candidates: { call: Node; scope: Scope; callee: string }[] = []
  walk(program, createScope(undefined, true), {
    call(node, scope) {
      const callee = calleeName(node.callee, imports)
      if (callee !== undefined) candidates.push({ call: node, scope, callee })
    },
  })

  const sites = candidates.filter(({ scope, callee }) => resolve(scope, callee) === 'module').map(({ call, scope }) => siteOf(call, scope))
  return { sites, afterImports }
}

function nameOf(node: Node): string {
  return node.type === 'Identifier' ? node.name : String(node.value)
}

/** The binding the callee reads (`cached`, or the namespace of `ns.cached`), if it can be cacheme's. */
function calleeName(callee: Node, { cached, namespaces }: CachemeImports): string | undefined {
  const target = unwrap(callee)
  if (target.type === 'Identifier') return cached.has(target.name) ? target.name : undefined
  if (target.type !== 'MemberExpression' || target.object.type !== 'Identifier' || !namespaces.has(target.object.name)) return undefined
  const property = target.computed ? (target.property.type === 'Literal' ? target.property.value : undefined) : target.property.name
  return property === 'cached' ? target.object.name : undefined
}

function siteOf(call: Node, scope: Scope): CallSite<Node> {
  const args = call.arguments as Node[]
  const leaveAsIs = args.length < 2 || args.length > 3 || args.some((a) => a.type === 'SpreadElement') || call.optional === true
  const site: CallSite<Node> = { node: call, start: call.start, end: call.end, template: templateOf(args[0], call), leaveAsIs }
  if (args[1] && args[1].type !== 'SpreadElement') site.fetcher = valueOf(args[1], scope)
  if (args[2] && args[2].type !== 'SpreadElement') site.options = valueOf(args[2], scope)
  return site
}

function templateOf(arg: Node | undefined, call: Node): TemplateArg {
  if (!arg) return { kind: 'dynamic', start: call.start, end: call.end }
  const inner = unwrap(arg)
  if (inner.type === 'Literal' && typeof inner.value === 'string') return { kind: 'literal', text: inner.value, start: inner.start, end: inner.end }
  if (inner.type === 'TemplateLiteral' && inner.expressions.length === 0 && typeof inner.quasis[0].value.cooked === 'string') {
    return { kind: 'literal', text: inner.quasis[0].value.cooked, start: inner.start, end: inner.end }
  }
  return { kind: 'dynamic', start: arg.start, end: arg.end }
}

function valueOf(arg: Node, scope: Scope): Value<Node> {
  const { start, end } = arg
  const node = unwrap(arg)
  if (node.type === 'Literal' && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean')) {
    return { kind: 'literal', value: node.value, node: arg, start, end }
  }
  if (node.type === 'UnaryExpression' && node.operator === '-' && node.argument.type === 'Literal' && typeof node.argument.value === 'number') {
    return { kind: 'literal', value: -node.argument.value, node: arg, start, end }
  }
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0 && typeof node.quasis[0].value.cooked === 'string') {
    return { kind: 'literal', value: node.quasis[0].value.cooked, node: arg, start, end }
  }
  if (node.type === 'Identifier' && node.name !== 'undefined') {
    return { kind: 'reference', name: node.name, binding: resolve(scope, node.name), node: arg, start, end }
  }
  if (node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression') {
    return { kind: 'function', hoistable: isHoistableFunction(node, scope), node: arg, start, end }
  }
  if (node.type === 'ObjectExpression') {
    const properties: Property<Node>[] = []
    for (const property of node.properties as Node[]) {
      if (property.type !== 'Property' || property.kind !== 'init' || property.method || property.computed) return { kind: 'other', node: arg, start, end }
      if (property.key.type !== 'Identifier' && !(property.key.type === 'Literal' && typeof property.key.value === 'string')) return { kind: 'other', node: arg, start, end }
      properties.push({ key: nameOf(property.key), value: valueOf(property.value, scope), node: property, start: property.start, end: property.end })
    }
    return { kind: 'object', properties, node: arg, start, end }
  }
  return { kind: 'other', node: arg, start, end }
}

function unwrap(node: Node): Node {
  let n = node
  while (n.type === 'ParenthesizedExpression' || (n.type === 'TSAsExpression' && n.typeAnnotation?.typeName?.name === 'const')) n = n.expression
  return n
}
