/**
 * Just enough scope analysis over an ESTree / TS-ESTree program to tell, for chosen identifier
 * references, whether they resolve to a module-level binding, a local one, or none (a global).
 * Declarations are collected during one walk and references resolved after it, so hoisting
 * (`var`, function declarations) needs no special order.
 */

export interface Scope {
  parent: Scope | undefined
  names: Set<string>
  /** Function and module scopes receive `var` declarations. */
  hoists: boolean
}

export type Binding = 'module' | 'local' | 'global'

export function createScope(parent: Scope | undefined, hoists: boolean): Scope {
  return { parent, names: new Set(), hoists }
}

/** The scope that declares `name` as seen from `scope`; undefined for a global. */
export function lookup(scope: Scope, name: string): Scope | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) if (s.names.has(name)) return s
  return undefined
}

export function resolve(scope: Scope, name: string): Binding {
  const found = lookup(scope, name)
  return found === undefined ? 'global' : found.parent ? 'local' : 'module'
}

export function hoistTarget(scope: Scope): Scope {
  let s = scope
  while (!s.hoists) s = s.parent!
  return s
}

type Node = { type: string; [key: string]: unknown }

/** Adds every name a binding pattern (`a`, `{ a, b: [c] }`, `...d`, `e = 1`) declares. */
export function declarePattern(scope: Scope, pattern: Node | null | undefined): void {
  if (!pattern) return
  switch (pattern.type) {
    case 'Identifier':
      scope.names.add(pattern.name as string)
      break
    case 'ObjectPattern':
      for (const property of pattern.properties as Node[]) {
        declarePattern(scope, (property.type === 'RestElement' ? property.argument : property.value) as Node)
      }
      break
    case 'ArrayPattern':
      for (const element of pattern.elements as (Node | null)[]) declarePattern(scope, element)
      break
    case 'AssignmentPattern':
      declarePattern(scope, pattern.left as Node)
      break
    case 'RestElement':
      declarePattern(scope, pattern.argument as Node)
      break
    case 'TSParameterProperty':
      declarePattern(scope, pattern.parameter as Node)
      break
  }
}
