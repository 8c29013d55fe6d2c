import type { ContextUse, FunctionReads } from '../core/syntax.js'
import { createScope, lookup, type Scope } from './scope.js'
import { walk, type Node } from './walk.js'

/** Node types whose meaning comes from the code around the function, and what the classifier calls them. */
const CONTEXT: Record<string, ContextUse> = { Super: 'super', PrivateIdentifier: 'private-name', JSXElement: 'jsx', JSXFragment: 'jsx' }
/** These only when no non-arrow function of the walked one's own provides them. */
const OWN_FUNCTION_CONTEXT: Record<string, ContextUse> = { ThisExpression: 'this', MetaProperty: 'new.target' }

/** What the function expression `fn`, written in `scope`, reads from the code around it. */
export function functionReads(fn: Node, scope: Scope): FunctionReads {
  const references: { name: string; scope: Scope; outerContext: boolean }[] = []
  const context = new Set<ContextUse>()
  const root = createScope(scope, false)
  // Depth counts the non-arrow functions around a node, `fn` included: at 0, an arrow's `this`,
  // `arguments` and `new.target` are those of the code around `fn`.
  walk(fn, root, {
    reference: (node, at, depth) => references.push({ name: node.name, scope: at, outerContext: depth === 0 }),
    node: (node, depth) => {
      const use = CONTEXT[node.type] ?? (depth === 0 ? OWN_FUNCTION_CONTEXT[node.type] : undefined)
      if (use) context.add(use)
    },
  })
  const outer: FunctionReads['outer'] = []
  for (const { name, scope: at, outerContext } of references) {
    const found = lookup(at, name)
    if (found === undefined) {
      if (name === 'arguments' && outerContext) context.add('arguments')
      else outer.push({ name, binding: 'global' })
    } else if (!isWithin(found, root)) outer.push({ name, binding: found.parent === undefined ? 'module' : 'local' })
  }
  return { outer, context: [...context] }
}

function isWithin(scope: Scope, root: Scope): boolean {
  for (let s: Scope | undefined = scope; s; s = s.parent) if (s === root) return true
  return false
}
