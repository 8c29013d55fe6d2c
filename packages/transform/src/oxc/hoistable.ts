import { createScope, lookup, type Scope } from './scope.js'
import { walk, type Node } from './walk.js'

/** What a function may use when it moves to module level: `this` & co. only from its own functions. */
const NEEDS_OWN_FUNCTION = new Set(['ThisExpression', 'MetaProperty'])
const NEVER = new Set(['Super', 'PrivateIdentifier', 'JSXElement', 'JSXFragment'])

/**
 * Whether the function expression `fn`, written in `scope`, means the same at module level: every
 * variable it reads is its own, a module-level binding or a global. It is only created there, so
 * the bindings it reads are read when it runs, as before.
 */
export function isHoistableFunction(fn: Node, scope: Scope): boolean {
  const references: { name: string; scope: Scope; outerContext: boolean }[] = []
  let allowed = true
  const root = createScope(scope, false)
  // Depth counts the non-arrow functions around a node, `fn` included: at 0, an arrow's `this`,
  // `arguments` and `new.target` are those of the code around `fn`.
  walk(fn, root, {
    reference: (node, at, depth) => references.push({ name: node.name, scope: at, outerContext: depth === 0 }),
    node: (node, depth) => {
      if (NEVER.has(node.type) || (NEEDS_OWN_FUNCTION.has(node.type) && depth === 0)) allowed = false
    },
  })
  return allowed && references.every(({ name, scope: at, outerContext }) => {
    const found = lookup(at, name)
    if (found === undefined) return !(name === 'arguments' && outerContext)
    return found.parent === undefined || isWithin(found, root)
  })
}

function isWithin(scope: Scope, root: Scope): boolean {
  for (let s: Scope | undefined = scope; s; s = s.parent) if (s === root) return true
  return false
}
