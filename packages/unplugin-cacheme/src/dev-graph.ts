/**
 * Which modules a vite dev server still uses, for conflicts across modules: a module whose last
 * importer dropped its import (the file still on disk, so no watcher event says so) keeps its
 * node in the module graph, with no importers. Its definitions stop counting until something
 * imports it again. A module never imported (an entry) always counts.
 */

/** The part of vite's dev server this reads (vite 6+: one module graph per environment). */
export interface DevServer {
  environments: Record<string, { moduleGraph: ModuleGraph }>
}

interface ModuleGraph {
  getModuleById(id: string): { importers: Set<unknown> } | undefined
  getModulesByFile(file: string): Set<{ importers: Set<unknown> }> | undefined
}

export class DevGraph {
  private server: DevServer | undefined
  /** Modules that had an importer when they were transformed. */
  private readonly imported = new Set<string>()

  attach(server: DevServer): void {
    this.server = server
  }

  /** Called as a module is transformed: it is requested by then, so its importers are known. */
  noteTransformed(id: string): void {
    if (this.graphs().some((graph) => (graph.getModuleById(id)?.importers.size ?? 0) > 0)) this.imported.add(id)
  }

  counts(file: string): boolean {
    if (!this.server || !this.imported.has(file)) return true
    return this.graphs().some((graph) => [...(graph.getModulesByFile(file) ?? [])].some((module) => module.importers.size > 0))
  }

  private graphs(): ModuleGraph[] {
    return this.server ? Object.values(this.server.environments).map((environment) => environment.moduleGraph) : []
  }
}
