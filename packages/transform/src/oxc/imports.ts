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
  const imports: CachemeImports = { cached: new Set(), namespaces: new Set() }
  for (const statement of module.staticImports) {
    if (statement.moduleRequest.value !== 'cacheme') continue
    for (const entry of statement.entries) {
      if (entry.isType) continue
      if (entry.importName.kind === 'NamespaceObject') imports.namespaces.add(entry.localName.value)
      else if (entry.importName.kind === 'Name' && entry.importName.name === 'cached') imports.cached.add(entry.localName.value)
    }
  }
  return imports.cached.size === 0 && imports.namespaces.size === 0 ? undefined : imports
}
