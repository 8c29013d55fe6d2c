import type { Known } from './options.js'

/** What one call site says about its template's spec, and where it says it. */
export interface Definition {
  template: string
  ttl?: Known<number>
  name?: Known<string>
  version?: Known<string>
  file: string
  /** `file:line:col` of the call. */
  where: string
}

export interface Conflict {
  definition: Definition
  other: Definition
  field: 'ttl' | 'name' | 'version'
}

const FIELDS = ['ttl', 'name', 'version'] as const

/**
 * The call sites of one build, so that two modules defining one template differently fail the
 * build. A host creates one per build; re-transforming a module (watch mode, dev server)
 * replaces that module's definitions.
 */
export interface RegistryOptions {
  /**
   * Whether a module's definitions still count for conflicts (default: always). A dev server
   * passes its module graph's answer: a module no longer imported stops counting while it is not
   * imported, though its definitions are kept for when it is again.
   */
  counts?(file: string): boolean
}

export class DefinitionRegistry {
  private readonly byTemplate = new Map<string, Definition[]>()
  private readonly byFile = new Map<string, Definition[]>()
  private readonly counts: (file: string) => boolean

  constructor(options: RegistryOptions = {}) {
    this.counts = options.counts ?? (() => true)
  }

  /** Records `file`'s definitions in place of its previous ones; returns each one's first conflict. */
  replace(file: string, definitions: readonly Definition[]): Conflict[] {
    this.forget(file)
    const conflicts: Conflict[] = []
    for (const definition of definitions) {
      const same = this.byTemplate.get(definition.template) ?? []
      const conflict = firstConflict(
        definition,
        same.filter((other) => other.file === file || this.counts(other.file)),
      )
      if (conflict) conflicts.push(conflict)
      same.push(definition)
      this.byTemplate.set(definition.template, same)
    }
    this.byFile.set(file, [...definitions])
    return conflicts
  }

  /** Drops a module's definitions (deleted, or no longer calling `cached()`). */
  forget(file: string): void {
    for (const old of this.byFile.get(file) ?? []) {
      const same = this.byTemplate.get(old.template)!
      same.splice(same.indexOf(old), 1)
      if (same.length === 0) this.byTemplate.delete(old.template)
    }
    this.byFile.delete(file)
  }
}

function firstConflict(definition: Definition, others: readonly Definition[]): Conflict | undefined {
  for (const other of others) {
    for (const field of FIELDS) {
      const mine = definition[field]
      const theirs = other[field]
      if (mine && theirs && mine.value !== theirs.value) return { definition, other, field }
    }
  }
  return undefined
}

export function describeConflict({ definition, other, field }: Conflict): string {
  return (
    `cacheme: template '${definition.template}' is defined here with ${field} ${definition[field]!.text}` +
    ` and at ${other.where} with ${field} ${other[field]!.text}; call sites of one template must agree on ttl, version and name`
  )
}
