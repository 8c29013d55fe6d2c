import { classifyCall } from '../../core/classify.js'
import type { CallSite } from '../../core/site.js'
import type { Collected } from '../collect.js'
import type { CachemeImports } from '../imports.js'
import { resolve } from '../scope.js'
import { LAZY_UNSUPPORTED, scanLazy, type LazyNode } from './scan.js'
import { lazySyntax } from './syntax.js'

/** A module parsed with oxc-parser's `experimentalLazy`. */
export interface LazyModule {
  program: LazyNode
  visit(visitor: never): void
}

/**
 * ../collect.ts over oxc's lazy tree: the same call sites, classified by the same classifier.
 * Throws LAZY_UNSUPPORTED or INCOMPLETE_SCOPE when the lazy tree lacks what this module needs
 * (lazy/scan.ts): then the full tree is read.
 */
export function collectLazy(parsed: LazyModule, imports: CachemeImports, code: string): Collected<LazyNode> {
  const { program } = parsed
  // A `#!` line must stay the first line of the file.
  let afterImports = program.hashbang ? (program.hashbang.end as number) : 0
  const body = program.body as LazyNode[]
  // The lazy tree has no directives: with any text before a first statement that is no import
  // (a directive, or a comment), where the stores go is left to the full tree.
  const first = body[0]
  if (first?.type !== 'ImportDeclaration' && code.slice(afterImports, first ? first.start : code.length).trim() !== '') throw LAZY_UNSUPPORTED
  for (const statement of body) {
    // Stores go after the leading imports: before any code that could use them.
    if (statement.type !== 'ImportDeclaration') break
    afterImports = statement.end
  }
  const scan = scanLazy(parsed, code, imports)
  const sites: CallSite<LazyNode>[] = []
  for (const { call, scope, callee } of scan.candidates) {
    if (resolve(scope, callee) !== 'module') continue
    // A plain array: oxc's is a Proxy, slow to index.
    const args = [...(call.arguments as LazyNode[])]
    sites.push(classifyCall({ node: call, start: call.start, end: call.end, args, optional: call.optional === true, use: scan.uses.get(call) }, lazySyntax(scope, scan)))
  }
  return { sites, afterImports }
}
