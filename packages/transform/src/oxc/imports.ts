import type { EcmaScriptModule } from 'oxc-parser'

/** The local names a module gives cacheme's `cached` (named or aliased) and cacheme's namespace, type-only imports aside. */
export interface CachemeImports {
  cached: Set<string>
  namespaces: Set<string>
}

/**
 * Read from oxc's module record, which comes without building the JS syntax tree; undefined
 * when the module imports neither, so it has no call site to look for.
 */
export function cachemeImports(module: EcmaScriptModule): CachemeImports | undefined {
  return importsOf(module, (name) => (name.kind === 'NamespaceObject' ? NAMESPACE : name.kind === 'Name' ? (name.name ?? undefined) : undefined))
}

/**
 * The same from the lazy tree's module record (Node >= 22), which spells an import's name as
 * oxc does: the string 'namespaceObject', a `{ value }` for a name, a bare span for `default`.
 */
export function cachemeImportsLazy(module: EcmaScriptModule): CachemeImports | undefined {
  return importsOf(module, (name: unknown) => (name === 'namespaceObject' ? NAMESPACE : ((name as { value?: string }).value)))
}

const NAMESPACE = Symbol('namespace')

type ImportName = EcmaScriptModule['staticImports'][number]['entries'][number]['importName']

/** `nameOf`: the imported name of an entry (NAMESPACE for `* as ns`), undefined for a default import. */
function importsOf(module: EcmaScriptModule, nameOf: (name: ImportName) => string | typeof NAMESPACE | undefined): CachemeImports | undefined {
  const imports: CachemeImports = { cached: new Set(), namespaces: new Set() }
  for (const statement of module.staticImports) {
    if (statement.moduleRequest.value !== 'cacheme') continue
    for (const entry of statement.entries) {
      if (entry.isType) continue
      const name = nameOf(entry.importName)
      if (name === NAMESPACE) imports.namespaces.add(entry.localName.value)
      else if (name === 'cached') imports.cached.add(entry.localName.value)
    }
  }
  return imports.cached.size === 0 && imports.namespaces.size === 0 ? undefined : imports
}
