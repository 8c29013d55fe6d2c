import { DefinitionRegistry, type RegistryOptions } from './core/registry.js'
import { transform, type TransformOptions, type TransformResult } from './transform.js'

/** One build's transform: modules share a registry, so conflicting definitions across them are found. */
export interface Transformer {
  transform(code: string, id: string, options?: Omit<TransformOptions, 'registry'>): TransformResult | null
  /** Forget a module (deleted, or excluded from the build). */
  forget(id: string): void
  readonly registry: DefinitionRegistry
}

/** A transformer for one build; a host creates a new one when a build starts. */
export function createTransformer(options?: RegistryOptions): Transformer {
  const registry = new DefinitionRegistry(options)
  return {
    registry,
    transform: (code, id, options) => transform(code, id, { ...options, registry }),
    forget: (id) => registry.forget(id),
  }
}
