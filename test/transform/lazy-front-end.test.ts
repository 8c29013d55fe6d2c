/**
 * oxc's lazy tree (oxc/lazy/: Node >= 22, raw transfer) against its full ESTree tree (oxc/walk.ts
 * and friends, what Node 20 reads): for every module of the differential corpus and every
 * repository source with call sites injected, the lazy front end finds the same call sites with
 * the same classification (every field but the nodes), or says it can't (a rest element, an
 * `extends`, a namespace: fields the lazy tree lacks) and the full tree decides. It must say so
 * for few modules, or the fast path would be a slow one.
 */
import { parseSync, rawTransferSupported } from 'oxc-parser'
import { expect, test } from 'vitest'
import { mayContainCalls } from '@cacheme/transform'
import { collectCallSites } from '../../packages/transform/src/oxc/collect.js'
import { cachemeImports, cachemeImportsLazy } from '../../packages/transform/src/oxc/imports.js'
import { collectLazy, type LazyModule } from '../../packages/transform/src/oxc/lazy/collect.js'
import { LAZY_UNSUPPORTED } from '../../packages/transform/src/oxc/lazy/scan.js'
import { INCOMPLETE_SCOPE } from '../../packages/transform/src/oxc/scope.js'
import type { Node } from '../../packages/transform/src/oxc/walk.js'
import { generateCorpus } from './differential/corpus.js'
import { injectedSources, langOf } from './differential/injected-sources.js'

const lang = (file: string) => (file.endsWith('.jsx') ? 'jsx' : langOf(file))
/** What the classifier said, without the nodes (objects of two different trees). */
const decisions = (found: unknown) => JSON.stringify(found, (key, value: unknown) => (key === 'node' ? undefined : value))

function compare(modules: { file: string; code: string }[]) {
  const differing: unknown[] = []
  let lazy = 0
  let full = 0
  for (const { file, code } of modules) {
    if (!mayContainCalls(code)) continue
    const options = { lang: lang(file), sourceType: 'module' } as const
    const estree = parseSync(file, code, options)
    const imports = cachemeImports(estree.module)
    if (estree.errors.length > 0 || !imports) continue
    const expected = decisions(collectCallSites(estree.program as unknown as Node, imports, code))
    const parsed = parseSync(file, code, { ...options, experimentalLazy: true } as never) as unknown as LazyModule & { module: never; dispose(): void }
    try {
      const got = decisions(collectLazy(parsed, cachemeImportsLazy(parsed.module)!, code))
      lazy++
      if (got !== expected) differing.push({ file, expected, got })
    } catch (error) {
      if (error !== LAZY_UNSUPPORTED && error !== INCOMPLETE_SCOPE) throw error
      full++
    } finally {
      parsed.dispose()
    }
  }
  return { differing, lazy, full }
}

if (rawTransferSupported()) {
  test('the differential corpus: the lazy tree finds and classifies every call site as the full tree does', () => {
    const { differing, lazy, full } = compare(generateCorpus({ modules: 2000 }).map((m) => ({ file: m.name, code: m.code })))
    expect(differing.slice(0, 2)).toEqual([])
    expect(lazy).toBeGreaterThan(full * 3)
  })

  test("the repository's sources, call sites injected: the lazy tree decides as the full tree does", () => {
    const { differing, lazy, full } = compare(injectedSources())
    expect(differing.slice(0, 2)).toEqual([])
    expect(lazy + full).toBeGreaterThan(150)
    expect(lazy).toBeGreaterThan(0)
  })
} else {
  // Node 20: no raw transfer, so transform() never reads the lazy tree (corpus-oxc.test.ts covers the full one).
  test('without raw transfer (Node < 22) the lazy tree is refused, so transform() reads the full one', () => {
    expect(() => parseSync('a.js', '', { experimentalLazy: true } as never)).toThrow(/not supported/)
  })
}
