/**
 * What the compiler skips without reading a module's syntax (core/site.ts `mayContainCalls`)
 * or without walking part of it (oxc/walk.ts `prune`): never a call site it would otherwise
 * rewrite, never a binding a fetcher's hoisting depends on. Each case runs untransformed and
 * through every front end (the same keys, values, fetches and errors), or is shown to be left
 * alone by both the pre-filter and a full read.
 */
import { describe, expect, test } from 'vitest'
import { mayContainCalls, transform } from '@cacheme/transform'
import { expectLikeSource } from './differential/compare.js'
import type { SourceModule } from './differential/front-ends.js'

const PROBE = "import { read, observe } from './probe.js'\n"

/** Modules with call sites the pre-filter and the pruned walk must not lose. */
const REWRITTEN: (SourceModule & { what: string; rewritten: RegExp })[] = [
  {
    what: 'an aliased import',
    name: 'alias.ts',
    rewritten: /__cacheme_al_id\.get\(/,
    code: `import { cached as memo } from 'cacheme'\n${PROBE}export async function run() { await observe('al', () => memo('al:<<id>>', (p) => read('al', p.id)).get({ id: 1 })) }\n`,
  },
  {
    what: 'a namespace import, called as ns.cached and ns["cached"]',
    name: 'namespace.ts',
    rewritten: /__cacheme_ns_id/,
    code: `import * as cm from "cacheme"\n${PROBE}export async function run() {\n  await observe('ns', () => cm.cached('ns:<<id>>', (p) => read('ns', p.id)).get({ id: 1 }))\n  await observe('nb', () => cm['cached']('nb:<<id>>', (p) => read('nb', p.id)).get({ id: 2 }))\n}\n`,
  },
  {
    what: 'CRLF line ends',
    name: 'crlf.ts',
    rewritten: /__cacheme_cr_id/,
    code: `import { cached } from 'cacheme'\r\n${PROBE.replace('\n', '\r\n')}export async function run() {\r\n  await observe('cr', () => cached('cr:<<id>>', (p) => read('cr', p.id)).get({ id: 1 }))\r\n}\r\n`,
  },
  {
    what: "a specifier spelled with escapes ('\\x63ach\\u0065me')",
    name: 'escaped-specifier.js',
    rewritten: /__cacheme_es_id/,
    code: `import { cached } from '\\x63ach\\u0065me'\n${PROBE}export async function run() { await observe('es', () => cached('es:<<id>>', (p) => read('es', p.id)).get({ id: 1 })) }\n`,
  },
  {
    what: 'an imported name and a callee spelled with a unicode escape',
    name: 'escaped-name.js',
    rewritten: /__cacheme_en_id/,
    code: `import { \\u0063ached as c } from 'cacheme'\n${PROBE}export async function run() { await observe('en', () => \\u0063('en:<<id>>', (p) => read('en', p.id)).get({ id: 1 })) }\n`,
  },
  {
    // The walk skips what can't hold a call site, but must still see what it declares: a `var`
    // in a block that never names the callee is the function's, so the fetcher is bound, not hoisted.
    what: 'bindings declared where the walk skips: a nested var, an exported const, a var in a for head',
    name: 'pruned-declarations.ts',
    rewritten: /__cacheme_pv_id\.with\(.*\n.*__cacheme_pi_id\.with\(.*\n.*await __cacheme_pe_id\.get/,
    code: `import { cached } from 'cacheme'\n${PROBE}const db = 'module'
const i = 'module'
export const shown = 'module'
async function f(flag: boolean) {
  if (flag) { { var db = 'nested var' } }
  for (var i = 0; i < 1; i++) {}
  const v = await cached('pv:<<id>>', (p: { id: number }) => read('pv', db, p.id)).get({ id: 1 })
  const w = await cached('pi:<<id>>', (p: { id: number }) => read('pi', i, p.id)).get({ id: 1 })
  const x = await cached('pe:<<id>>', (p: { id: number }) => read('pe', shown, p.id)).get({ id: 1 })
  return [v, w, x]
}
export async function run() { await observe('pv', () => f(true)) }
`,
  },
]

describe.each(REWRITTEN)('$what', (c) => {
  test('passes the pre-filter and is rewritten', () => {
    expect(mayContainCalls(c.code)).toBe(true)
    expect(transform(c.code, c.name)!.code).toMatch(c.rewritten)
  })
  test.each(['oxc', 'tsc-5.9', 'tsc-6.0'] as const)('%s runs it like the source', async (frontEnd) => {
    await expectLikeSource(frontEnd, [c], `pre-filter-${c.name}`)
  })
})

/** Modules without a call of cacheme's `cached()`: nothing to do, whether or not they pass the pre-filter. */
const LEFT_ALONE: { what: string; code: string; filtered: boolean }[] = [
  {
    what: "'cacheme' only in a comment",
    code: "// caches with cacheme, see docs\nconst cached = (t, f) => f\nexport const x = cached('a:<<id>>', () => 1)\n",
    filtered: true,
  },
  {
    what: "'cacheme' quoted in a comment",
    code: "// import { cached } from 'cacheme'\nconst cached = (t, f) => f\nexport const x = cached('a:<<id>>', () => 1)\n",
    filtered: false,
  },
  { what: '`import type`', code: "import type { cached } from 'cacheme'\nexport type C = typeof cached\n", filtered: false },
  {
    what: 'a type-only specifier',
    code: "import { type cached, configure } from 'cacheme'\nconfigure({})\nexport type C = typeof cached\n",
    filtered: false,
  },
  {
    what: 're-exports',
    code: "export { cached } from 'cacheme'\nexport * from 'cacheme'\nconst cached = (t, f) => f\ncached('a:<<id>>', () => 1)\n",
    filtered: false,
  },
  {
    what: 'another module of the package',
    code: "import { cached } from 'cacheme/template'\ncached('a:<<id>>', () => 1)\n",
    filtered: true,
  },
  { what: 'cacheme imported, cached not', code: "import { configure } from 'cacheme'\nconfigure({})\n", filtered: true },
  {
    what: 'a shadowed cached',
    code: "import { cached } from 'cacheme'\nexport function f(cached) { return cached('a:<<id>>', () => 1) }\n",
    filtered: false,
  },
]

test.each(LEFT_ALONE)('$what: nothing to do', ({ code, filtered }) => {
  expect(mayContainCalls(code)).toBe(!filtered)
  for (const id of ['m.ts', 'm.js']) expect(transform(code, id)).toBeNull()
})

test('an error in a CRLF file is reported at its line and column (at the unclosed <<)', () => {
  const code = "import { cached } from 'cacheme'\r\n\r\nexport const s = cached('a:<<id', () => 1)\r\n"
  const [diagnostic] = transform(code, 'crlf.ts')!.diagnostics
  expect(diagnostic).toMatchObject({ severity: 'error', line: 3, column: 28 })
})
