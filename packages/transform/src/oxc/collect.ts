import { classifyCall } from '../core/classify.js'
import type { CallSite } from '../core/site.js'
import type { CallSyntax } from '../core/syntax.js'
import type { CachemeImports } from './imports.js'
import { createScope, resolve, type Scope } from './scope.js'
import { oxcSyntax } from './syntax.js'
import { walk, type Node } from './walk.js'

export type { Node }

/** The `cached()` calls of a module whose callee is `cached` imported from 'cacheme' and not shadowed. */
export interface Collected {
  sites: CallSite<Node>[]
  /** Where hoisted stores go: after the hashbang, the leading directives and imports. */
  afterImports: number
}

export function collectCallSites(program: Node, imports: CachemeImports, code: string): Collected {
  // A `#!` line must stay the first line of the file.
  let afterImports = program.hashbang ? (program.hashbang.end as number) : 0
  for (const statement of program.body as Node[]) {
    // Stores go after the leading imports (and directives): before any code that could use them.
    if (statement.type !== 'ImportDeclaration' && !statement.directive) break
    afterImports = statement.end
  }

  const candidates: { call: Node; scope: Scope; callee: string }[] = []
  /** Method calls on a call's result, by that inner call: `cached(...).get(p)`. */
  const uses = new Map<Node, CallSyntax<Node>['use']>()
  // Most of a module can't hold a call site: no callee name in its text. Not walking it is most
  // of the walk's cost saved. (A callee spelled with a unicode escape, `\u0063ached`, isn't in
  // the text as such: then everything is walked.)
  const mentions = code.includes('\\u') ? undefined : mentionsOf(code, [...imports.cached, ...imports.namespaces])
  walk(program, createScope(undefined, true), {
    prune: mentions && ((node) => !mentions(node.start, node.end)),
    call(node, scope) {
      const { callee } = node
      if (callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'CallExpression') {
        uses.set(callee.object, { method: callee.property.name, args: node.arguments })
      }
      const name = calleeName(callee, imports)
      if (name !== undefined) candidates.push({ call: node, scope, callee: name })
    },
  })

  const sites = candidates
    .filter(({ scope, callee }) => resolve(scope, callee) === 'module')
    .map(({ call, scope }) =>
      classifyCall(
        { node: call, start: call.start, end: call.end, args: call.arguments, optional: call.optional === true, use: uses.get(call) },
        oxcSyntax(scope),
      ),
    )
  return { sites, afterImports }
}

/** Whether `code` between two offsets contains one of `names`. */
function mentionsOf(code: string, names: string[]): (start: number, end: number) => boolean {
  const offsets: number[] = []
  for (const name of names) for (let i = code.indexOf(name); i !== -1; i = code.indexOf(name, i + 1)) offsets.push(i)
  offsets.sort((a, b) => a - b)
  return (start, end) => {
    let lo = 0
    let hi = offsets.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (offsets[mid]! < start) lo = mid + 1
      else hi = mid
    }
    return lo < offsets.length && offsets[lo]! < end
  }
}

/** The binding the callee reads (`cached`, or the namespace of `ns.cached`), if it can be cacheme's. */
function calleeName(callee: Node, { cached, namespaces }: CachemeImports): string | undefined {
  let target = callee
  while (target.type === 'ParenthesizedExpression') target = target.expression
  if (target.type === 'Identifier') return cached.has(target.name) ? target.name : undefined
  if (target.type !== 'MemberExpression' || target.object.type !== 'Identifier' || !namespaces.has(target.object.name)) return undefined
  const property = target.computed ? (target.property.type === 'Literal' ? target.property.value : undefined) : target.property.name
  return property === 'cached' ? target.object.name : undefined
}
