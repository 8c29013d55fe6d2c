import type { TransformOutput } from './api-types.js'

export const EXAMPLE_ID = 'example.ts'

// TEMPORARY STUB until @cacheme/transform lands: replaced by the real call.
export async function transformExample(source: string): Promise<TransformOutput> {
  if (typeof source !== 'string') throw new TypeError(`transformExample: source must be a string, got ${typeof source}`)
  return { code: source, changed: false, diagnostics: [] }
}
