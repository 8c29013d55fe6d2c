/**
 * The one decision table of the compiler: from the syntax a front end reports (syntax.ts) to the
 * call sites the planner works on (site.ts). What counts as a literal template, a literal value,
 * a plain options object, a hoistable function and a params argument is decided here only.
 */
import type { CallSite, ParamsArg, Property, TemplateArg, Value } from './site.js'
import type { CallSyntax, ContextUse, FunctionReads, Shape, Syntax } from './syntax.js'

/** Syntax that always ties a function to where it is written. */
const NEVER_HOISTED: ReadonlySet<ContextUse> = new Set(['this', 'arguments', 'new.target', 'super', 'private-name', 'jsx'])

export function classifyCall<N>(call: CallSyntax<N>, syntax: Syntax<N>): CallSite<N> {
  const { args } = call
  const spread = args.some((a) => syntax.shape(a).type === 'spread')
  const leaveAsIs = args.length < 2 || args.length > 3 || spread || call.optional
  const site: CallSite<N> = { node: call.node, start: call.start, end: call.end, template: templateOf(args[0], call, syntax), leaveAsIs }
  if (args[1] && syntax.shape(args[1]).type !== 'spread') site.fetcher = valueOf(args[1], syntax)
  if (args[2] && syntax.shape(args[2]).type !== 'spread') site.options = valueOf(args[2], syntax)
  const params = call.use ? paramsOf(call.use, syntax) : []
  if (params.length > 0) site.params = params
  return site
}

/** Whether a function means the same when it is created at module level. */
export function isHoistable(reads: FunctionReads): boolean {
  return reads.context.every((use) => !NEVER_HOISTED.has(use)) && reads.outer.every((read) => read.binding !== 'local')
}

function unwrap<N>(node: N, syntax: Syntax<N>): { node: N; shape: Shape<N> } {
  let n = node
  let shape = syntax.shape(n)
  while (shape.type === 'wrapped') shape = syntax.shape((n = shape.inner))
  return { node: n, shape }
}

function templateOf<N>(arg: N | undefined, call: CallSyntax<N>, syntax: Syntax<N>): TemplateArg {
  if (arg === undefined) return { kind: 'dynamic', start: call.start, end: call.end }
  const inner = unwrap(arg, syntax)
  if (inner.shape.type === 'string') return { kind: 'literal', text: inner.shape.value, ...syntax.range(inner.node) }
  return { kind: 'dynamic', ...syntax.range(arg) }
}

function valueOf<N>(arg: N, syntax: Syntax<N>): Value<N> {
  const range = { node: arg, ...syntax.range(arg) }
  const { shape } = unwrap(arg, syntax)
  switch (shape.type) {
    case 'string':
    case 'number':
    case 'boolean':
      return { kind: 'literal', value: shape.value, ...range }
    case 'negative': {
      const operand = syntax.shape(shape.operand)
      return operand.type === 'number' ? { kind: 'literal', value: -operand.value, ...range } : { kind: 'other', ...range }
    }
    case 'identifier':
      // `undefined` can be shadowed, but as an argument it is "no fetcher" either way: left as written.
      if (shape.name === 'undefined') return { kind: 'other', ...range }
      return { kind: 'reference', name: shape.name, binding: shape.binding, ...range }
    case 'function':
      return { kind: 'function', hoistable: isHoistable(shape.reads), ...range }
    case 'object': {
      const properties: Property<N>[] = []
      for (const member of shape.members) {
        if (member === null) return { kind: 'other', ...range }
        properties.push({ key: member.key, value: valueOf(member.value, syntax), node: member.node, start: member.start, end: member.end })
      }
      return { kind: 'object', properties, ...range }
    }
    case 'array':
      if (shape.elements.includes(null)) return { kind: 'other', ...range }
      return { kind: 'array', elements: shape.elements.map((e) => valueOf(e!, syntax)), ...range }
    default:
      return { kind: 'other', ...range }
  }
}

/** Which argument of each store method is a params object (`getMany`: each element of its array). */
const PARAMS_ARGUMENT: Record<string, number> = { get: 0, refresh: 0, set: 0, invalidate: 0, key: 0, getP: 1, getMany: 0 }

/** The object-literal params arguments of the method called on an inline store: what the build can check. */
function paramsOf<N>(use: NonNullable<CallSyntax<N>['use']>, syntax: Syntax<N>): ParamsArg[] {
  const index = PARAMS_ARGUMENT[use.method]
  if (index === undefined || use.args.slice(0, index + 1).some((a) => syntax.shape(a).type === 'spread')) return []
  const arg = use.args[index]
  if (arg === undefined) return []
  if (use.method !== 'getMany') return objectParams(arg, syntax)
  const list = unwrap(arg, syntax).shape
  return list.type === 'array' ? list.elements.flatMap((element) => (element === null ? [] : objectParams(element, syntax))) : []
}

function objectParams<N>(arg: N, syntax: Syntax<N>): ParamsArg[] {
  const { shape } = unwrap(arg, syntax)
  if (shape.type !== 'object') return []
  const keys = shape.members.flatMap((m) => (m === null ? [] : [{ key: m.key, start: m.start, end: m.end }]))
  return [{ keys, complete: !shape.members.includes(null), ...syntax.range(arg) }]
}
