import { parseTemplate } from '../template/parse-template.js'
import { renderKeyPart } from '../template/encode-param.js'
import type { Version } from './options.js'

/**
 * The static part of a store: what the compiler computes at build time and hoists to module
 * level, and what `cached()` computes (once per template) when it runs untransformed.
 */
export interface StoreSpec {
  template: string
  params: readonly string[]
  /** Renders the key text between prefix and version: `comment:<<id>>` → `comment:42`. */
  render(params: Record<string, unknown>): string
  /** Literal TTL in ms, when known at build time. */
  ttl?: number
  name?: string
  version?: Version
}

const parsed = new Map<string, StoreSpec>()

/** The spec of a template, parsed once per distinct template text. */
export function specOf(template: string): StoreSpec {
  let spec = parsed.get(template)
  if (!spec) {
    const { literals, params } = parseTemplate(template)
    spec = { template, params, render: (values) => renderKeyPart(literals, params, values, template) }
    parsed.set(template, spec)
  }
  return spec
}
