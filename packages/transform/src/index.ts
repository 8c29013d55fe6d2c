export { transform, mayContainCalls, type TransformOptions, type TransformResult } from './transform.js'
export { createTransformer, type Transformer } from './transformer.js'
export { DefinitionRegistry, type Definition, type Conflict, type RegistryOptions } from './core/registry.js'
export { formatDiagnostic, type Diagnostic, type Severity } from './core/diagnostic.js'
