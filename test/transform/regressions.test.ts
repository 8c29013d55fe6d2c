/**
 * The defects of issue 11, each as a module that runs: untransformed, through oxc and through
 * tsc (5.9 and 6.0), with the same keys, values, fetches and errors.
 */
import { describe, expect, test } from 'vitest'
import { transform } from '@cacheme/transform'
import { expectLikeSource } from './differential/compare.js'
import type { SourceModule } from './differential/front-ends.js'

const HEAD = "import { cached } from 'cacheme'\nimport { read, observe, tag, h, later } from './probe.js'\n"

const CASES: (SourceModule & { defect: string; rewritten: RegExp })[] = [
  {
    defect: '1: a `{` in a return type is not the function body',
    name: 'return-type.ts',
    rewritten: /__cacheme_k_id\.with\(/,
    code: `${HEAD}const db = 'module'
async function f(db: string): Promise<{ v: unknown }> { return { v: await cached('k:<<id>>', () => read('f', db)).get({ id: 3 }) } }
function g(db: string): { a: string } | null { return cached('k2:<<id>>', () => read('g', db)) && null }
const arrow = async (db: string): Promise<{ w: unknown }> => ({ w: await cached('k3:<<id>>', () => read('arrow', db)).get({ id: 1 }) })
export async function run() {
  await observe('f', () => f('param'))
  await observe('g', () => g('param'))
  await observe('arrow', () => arrow('param'))
  await observe('module', () => db)
}
`,
  },
  {
    defect: '2: the variable of a top-level for…of / for / for…in / catch is not module-level',
    name: 'top-level-loops.ts',
    rewritten: /__cacheme_r_id\.with\(/,
    code: `${HEAD}for (const route of ['a', 'b']) { await observe('of', () => cached('r:<<id>>', () => read('of', route)).get({ id: route })) }
for (let i = 0; i < 2; i++) { await observe('for', () => cached('i:<<id>>', () => read('for', i)).get({ id: i })) }
for (const key in { x: 1, y: 2 }) { await observe('in', () => cached('in:<<id>>', () => read('in', key)).get({ id: key })) }
try { throw new Error('caught') } catch (error) { await observe('catch', () => cached('c:<<id>>', () => read('catch', (error as Error).message)).get({ id: 1 })) }
for (var v of ['p', 'q']) { await observe('var', () => cached('v:<<id>>', () => read('var', v)).get({ id: v })) }
`,
  },
  {
    defect: '3: the stores go after a hashbang (and directives)',
    name: 'hashbang.js',
    rewritten: /^#!\/usr\/bin\/env node\n'use strict'\nimport \{ __cachemeStore/,
    code: `#!/usr/bin/env node\n'use strict'\nexport const first = 1\n${HEAD}export async function run() { await observe('get', () => cached('hb:<<id>>', (p) => read('hb', p.id)).get({ id: 1 })) }\n`,
  },
  {
    defect: '6: a fetcher with a decorator reading a local is not hoisted; call sites in decorator arguments are rewritten',
    name: 'decorators.ts',
    rewritten: /@tag\(__cacheme_da_id\.name\)/,
    code: `${HEAD}const local = 'module'
async function f(local: string) {
  return cached('d:<<id>>', () => { @tag(local) class A {} return read('d', (A as unknown as { tag: string }).tag) }).get({ id: 1 })
}
@tag(cached('da:<<id>>', (p) => read('da', p.id)).name) class D {}
export async function run() {
  await observe('local', () => f('param'))
  await observe('decorated', () => (D as unknown as { tag: string }).tag)
  await observe('module', () => local)
}
`,
  },
  {
    defect: "7: tsc's namespace import and a store are never named alike",
    name: 'name-clash.ts',
    rewritten: /__cacheme_2/,
    code: `${HEAD}const __cacheme = 'taken'
export async function run() {
  await observe('two', () => cached('2', () => read('two')).get({}))
  await observe('taken', () => __cacheme)
}
`,
  },
  {
    defect: '8: a .js file with JSX is parsed as JSX and transformed',
    name: 'jsx-in-js.js',
    rewritten: /__cacheme_j_id/,
    code: `${HEAD}const view = (id) => <div id={id}>{id}</div>
export async function run() { await observe('jsx', () => cached('j:<<id>>', (p) => read('j', view(p.id))).get({ id: 1 })) }
`,
  },
]

describe.each(CASES)('defect $defect', (c) => {
  test.each(['oxc', 'tsc-5.9', 'tsc-6.0'] as const)('%s rewrites it and runs it like the source', async (frontEnd) => {
    await expectLikeSource(frontEnd, [c], `regressions-${c.name}`)
  })
  test('the oxc output has the expected shape', () => {
    expect(transform(c.code, c.name)!.code).toMatch(c.rewritten)
  })
})
