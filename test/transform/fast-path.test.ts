import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseSync } from 'oxc-parser'
import { describe, expect, test } from 'vitest'
import { DefinitionRegistry, transform } from '@cacheme/transform'
import { collectFast } from '../../packages/transform/src/fast/collect.js'
import { cachemeImports } from '../../packages/transform/src/oxc/imports.js'
import { moduleSource } from '../../bench/transform/project.mjs'
import { generateModules } from './generated-modules.js'

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url))
const fixtures = readdirSync(dir).map((name) => ({ name, code: readFileSync(join(dir, name), 'utf8') }))
const generated = generateModules(800)

/** Whether the fast path reads this module itself (true) or why it leaves it to oxc. */
function fastPathVerdict(code: string, name: string): true | string {
  const typescript = name.endsWith('.ts')
  const parsed = parseSync(name, code, { lang: typescript ? 'ts' : 'js', sourceType: 'module' })
  if (parsed.errors.length > 0) return 'syntax error (both paths return null)'
  const imports = cachemeImports(parsed.module)
  if (!imports) return 'no import of cached (both paths return null)'
  let reason = ''
  const result = collectFast(code, parsed, imports, { typescript, onFallback: (why) => void (reason = why) })
  return result ? true : reason
}

/** Both paths, each with its own registry: code, map and diagnostics must be byte-identical. */
function expectSameOutput(code: string, name: string): void {
  const fast = transform(code, name, { registry: new DefinitionRegistry() })
  const full = transform(code, name, { registry: new DefinitionRegistry(), fastPath: false })
  expect(JSON.stringify(fast), name).toBe(JSON.stringify(full))
}

describe('the fast path gives byte-identical output to the oxc path', () => {
  test.each(fixtures)('fixture $name', ({ name, code }) => expectSameOutput(code, name))

  test('the conflicting pair, through one registry per path', () => {
    const [a, b] = ['conflict-a.ts', 'conflict-b.ts'].map((name) => fixtures.find((f) => f.name === name)!)
    const run = (fastPath: boolean) => {
      const registry = new DefinitionRegistry()
      return [a!, b!].map(({ code, name }) => JSON.stringify(transform(code, name, { registry, fastPath })))
    }
    expect(run(true)).toEqual(run(false))
  })

  test(`${generated.length} generated modules, most of them on the fast path`, () => {
    for (const { name, code } of generated) expectSameOutput(code, name)
    const fast = generated.filter(({ name, code }) => fastPathVerdict(code, name) === true).length
    // Not vacuous: a good share of the corpus really goes through the fast path.
    expect(fast).toBeGreaterThan(generated.length * 0.25)
  })

  test('the benchmark modules go through the fast path', () => {
    const source = moduleSource(7) as string
    expect(fastPathVerdict(source, 'm7.js')).toBe(true)
    expectSameOutput(source, 'm7.js')
  })
})

/** Scopes read from tokens: each case goes through the fast path (or names why not) and matches oxc. */
const SCOPES: [string, string, boolean][] = [
  ['a parameter is local to its function', "import { cached } from 'cacheme'\nexport function g(load) { return cached('a:<<id>>', load) }", true],
  ['a parameter of an arrow with an expression body', "import { cached } from 'cacheme'\nexport const g = (load) => cached('a:<<id>>', load)", true],
  ['a method parameter', "import { cached } from 'cacheme'\nexport class A { m(load) { return cached('a:<<id>>', load) } }", true],
  ['a parameter of another function does not reach here', "import { cached } from 'cacheme'\nfunction g(load) {}\ncached('a:<<id>>', load)", true],
  ['a regular expression after `for await (...)`', "import { cached } from 'cacheme'\nexport async function g(xs) { for await (const x of xs) /cached(x)/.test(x)\n  return cached('a:<<id>>', f) }", true],
  ['a word reserved only in strict code, read as an identifier as oxc reads it', "import { cached } from 'cacheme'\nexport function g() { return cached('a:<<id>>', let, { version: () => let }) }", true],
  ['a const in a block', "import { cached } from 'cacheme'\nexport function g() { const load = f; return cached('a:<<id>>', load) }", true],
  ['a const in another function does not reach here', "import { cached } from 'cacheme'\nfunction a() { const load = 1 }\nexport const c = cached('a:<<id>>', load)", true],
  ['a function declared after a line break (no semicolon)', "import { cached } from 'cacheme'\nconst x = y\nfunction load() {}\nexport const c = cached('a:<<id>>', load)", true],
  ['`extends mixin(B) {` is no method', "import { cached } from 'cacheme'\nimport { mixin, B } from './m.js'\nexport class A extends mixin(B) { m() { return cached('a:<<id>>', B) } }", false],
  ['a var in a top-level block is module-level', "import { cached } from 'cacheme'\n{ var load = () => 1\n  cached('a:<<id>>', load) }", false],
  ['a function expression sees its own name', "import { cached } from 'cacheme'\nconst f = function load() { return cached('a:<<id>>', load) }", false],
  ['a switch scope holds its discriminant', "import { cached } from 'cacheme'\nswitch (cached('a:<<id>>', load)) { case 1: const load = 2 }", false],
  ['an inline fetcher reading an outer local (`db.`) stays at the call site', "import { cached } from 'cacheme'\nexport function g(db) { return cached('a:<<id>>', (p) => db.get(p)) }", true],
  ['... in a block body, after return', "import { cached } from 'cacheme'\nexport function g(db: Db) { return cached('a:<<id>>', async (p: P) => { return db.get(p) }) }", true],
  ['... but not a TypeScript `name.` that may be a type', "import { cached } from 'cacheme'\nexport function g(db: Db) { return cached('a:<<id>>', (p) => { const x: db.P = p; return x }) }", false],
  ['an arrow reading `this` stays at the call site', "import { cached } from 'cacheme'\ncached('a:<<id>>', (p) => this)", true],
  ['... and one reading import.meta', "import { cached } from 'cacheme'\ncached('a:<<id>>', (p) => import.meta.url)", true],
  ['a private name or super anywhere in a fetcher keeps it at the call site', "import { cached } from 'cacheme'\nexport class A { #x = 1; m() { return cached('a:<<id>>', (p) => this.#x) } }", true],
  ['a function expression\'s own this, arguments and new.target move with it', "import { cached } from 'cacheme'\ncached('a:<<id>>', function (this: unknown, p) { return [this, arguments, new.target] })", true],
  ['an arrow\'s whole body naming an outer local', "import { cached } from 'cacheme'\nexport const w = (v: number) => cached('a:<<id>>', f, { version: () => v })", true],
  ['an inline fetcher reading only its own and module bindings is hoisted', "import { cached } from 'cacheme'\nconst k = 1\nexport function g(id) { return cached('a:<<id>>', async ({ id }) => ({ id, k }), { version: () => k }) }", true],
]

describe('scopes from tokens', () => {
  test.each(SCOPES)('%s', (_, code, fast) => {
    expect(fastPathVerdict(code, 'case.ts') === true).toBe(fast)
    expectSameOutput(code, 'case.ts')
  })
})

describe('real sources: the TypeScript and JavaScript of this repository, with call sites added', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url))
  const sources = ['packages', 'test', 'bench'].flatMap((top) =>
    (readdirSync(join(root, top), { recursive: true }) as string[])
      .filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !/node_modules|dist|\.tmp|fixtures|snapshots/.test(f))
      .map((f) => join(top, f)),
  )

  /** Calls reading `p`, a parameter of the function they are put in: as fetcher, in options, in inline functions. */
  const CALLS = [
    (p: string) => `void __c('k:<<id>>', ${p}, { ttl: '5m', version: () => ${p} })`,
    (p: string) => `void __c('j:<<id>>', (x) => ${p}.call(x), ${p})`,
    (p: string) => `void __c(\`t:<<id>>\`, async function (x) { return [this, ${p}, arguments] }, { name: 'n', lock: { ttl: '1s' } })`,
    (p: string) => `void __c('u:<<id>>', fetchU, { version: ${p} }).get({ id: ${p} })`,
    (p: string) => `const { ${p}: __y } = __c('w:<<id>>', (x) => ({ ...x, ${p} }), -1)`,
  ]

  /** The file with `cached` imported, a call in the first function of its second half, and one at the end. */
  function withCallSites(file: string, call: (p: string) => string): string {
    const lines = readFileSync(join(root, file), 'utf8').split('\n')
    const at = lines.findIndex((line, i) => i > lines.length / 2 && /\)\s*\{\s*$/.test(line))
    const param = at > 0 ? /\(\s*([A-Za-z_$][\w$]*)/.exec(lines[at]!)?.[1] : undefined
    if (param) lines.splice(at + 1, 0, call(param))
    return `import { cached as __c } from 'cacheme'\n${lines.join('\n')}\nexport const __x = __c('k:<<id>>', async (p) => ({ ...p }), '5m')\n`
  }

  test(`${sources.length} files, ${CALLS.length} kinds of call site each`, () => {
    expect(sources.length).toBeGreaterThan(100)
    for (const file of sources) for (const call of CALLS) expectSameOutput(withCallSites(file, call), file.replace(/\.mjs$/, '.js'))
  })
})

/** Each way the fast path gives up: it names the reason, and the output is still oxc's. */
const FALLBACKS: [string, string, string][] = [
  ['non-ASCII identifier', "import { cached } from 'cacheme'\nconst café = 1\ncached('a:<<id>>', f)", 'non-ASCII'],
  ['escaped identifier', "import { cached } from 'cacheme'\nconst \\u0061b = 1\ncached('a:<<id>>', f)", 'escaped'],
  ['hashbang', "#!/usr/bin/env node\nimport { cached } from 'cacheme'\ncached('a:<<id>>', f)", 'hashbang'],
  ['a `/` after `}`', "import { cached } from 'cacheme'\nconst x = {} / 2\ncached('a:<<id>>', f)", 'ambiguous /'],
  ['a `/` after `++`', "import { cached } from 'cacheme'\nlet i = 0\nconst x = i++ / 2\ncached('a:<<id>>', f)", 'ambiguous /'],
  ['a `/` after `x!`', "import { cached } from 'cacheme'\ndeclare const n: number | undefined\nconst x = n! / 2\ncached('a:<<id>>', f)", 'ambiguous /'],
  ['a `/` after `of`', "import { cached } from 'cacheme'\nfor (const m of /a/g.exec('a') ?? []) m\ncached('a:<<id>>', f)", 'ambiguous /'],
  ['decorators', "import { cached } from 'cacheme'\n@dec class A {}\ncached('a:<<id>>', f)", 'decorators'],
  ['a leading directive', "'use strict'\nimport { cached } from 'cacheme'\ncached('a:<<id>>', f)", 'directive'],
  ['cached declared again', "import { cached } from 'cacheme'\nfunction g(cached) { return cached('a:<<id>>', f) }", 'declared again'],
  ['the namespace declared again', "import * as cm from 'cacheme'\nconst h = (cm) => cm.cached('a:<<id>>', f)", 'declared again'],
  ['cached as a value', "import { cached } from 'cacheme'\nexport const c = cached", 'not called plainly'],
  ['new cached()', "import { cached } from 'cacheme'\nnew cached('a:<<id>>', f)", 'not called plainly'],
  ['optional call', "import { cached } from 'cacheme'\ncached?.('a:<<id>>', f)", 'not called plainly'],
  ['type arguments', "import { cached } from 'cacheme'\ncached<string>('a:<<id>>', f)", 'not called plainly'],
  ['parenthesized callee', "import { cached } from 'cacheme'\n;(cached)('a:<<id>>', f)", 'not called plainly'],
  ['a method named like the import', "import { cached } from 'cacheme'\nconst o = { cached(a, b) { return a } }", 'method'],
  ['ns[...] and ns?.', "import * as cm from 'cacheme'\ncm['cached']('a:<<id>>', f)", 'ns?.x or ns[x]'],
  ['an escape in a literal', "import { cached } from 'cacheme'\ncached('a\\x3a<<id>>', f)", 'escape'],
  ['a parenthesized argument', "import { cached } from 'cacheme'\ncached(('a:<<id>>'), f)", 'parenthesized'],
  ['`as` in an argument', "import { cached } from 'cacheme'\ncached('a:<<id>>' as const, f)", 'as'],
  ['an arrow with a return type', "import { cached } from 'cacheme'\ncached('a:<<id>>', (p): number => 1)", 'arrow function with types'],
  ['an arrow with type parameters', "import { cached } from 'cacheme'\ncached('a:<<id>>', <T,>(p: T) => p)", 'arrow function with types'],
  ['a function expression with a return type', "import { cached } from 'cacheme'\ncached('a:<<id>>', function (p): number { return 1 })", 'function expression'],
  ['parameters with defaults', "import { cached } from 'cacheme'\ncached('a:<<id>>', ({ id } = {}) => id)", 'parameters'],
  ['this in an arrow fetcher with a function of its own inside', "import { cached } from 'cacheme'\ncached('a:<<id>>', (p) => { const g = function () { return this }; return this })", 'this in a function'],
  ['arguments in such an arrow', "import { cached } from 'cacheme'\nexport function h() { return cached('a:<<id>>', (p) => { class C {} return arguments }) }", 'arguments in a function'],
  ['new.target in such an arrow', "import { cached } from 'cacheme'\nexport function h() { return cached('a:<<id>>', (p) => { const o = { m() {} }; return new.target }) }", 'new in a function'],
  ['import.meta in such an arrow', "import { cached } from 'cacheme'\ncached('a:<<id>>', (p) => { function g() {} return import.meta.url })", 'import in a function'],
  ['a key named super in a fetcher', "import { cached } from 'cacheme'\ncached('a:<<id>>', (p) => ({ super: p }))", 'key named so'],
  ['a key named this in an arrow fetcher', "import { cached } from 'cacheme'\ncached('a:<<id>>', (p) => ({ this: p }))", 'this in a function'],
  ['an outer local in a fetcher, read other than as `name.`', "import { cached } from 'cacheme'\nexport function g(db) { return cached('a:<<id>>', (p) => load(db, p)) }", 'db may be an outer local'],
  ['an outer local in a fetcher that also declares the name', "import { cached } from 'cacheme'\nexport function g(db) { return cached('a:<<id>>', (p) => { const db = p; return db.get() }) }", 'db may be an outer local'],
  ['a fetcher name that may be an arrow parameter', "import { cached } from 'cacheme'\nconst g = (load) => load\ncached('a:<<id>>', load)", 'load may be local'],
]

describe('every fallback is named and keeps the oxc output', () => {
  test.each(FALLBACKS)('%s', (_, code, reason) => {
    const name = 'case.ts'
    const verdict = fastPathVerdict(code, name)
    expect(verdict).not.toBe(true)
    expect(verdict).toContain(reason)
    expectSameOutput(code, name)
  })

  test('comments that differ from the parser\'s (a `/` read the wrong way) send the module to oxc', () => {
    const code = "import { cached } from 'cacheme'\n// a comment\ncached('a:<<id>>', f)"
    const parsed = parseSync('case.js', code, { sourceType: 'module' })
    let reason = ''
    expect(collectFast(code, { module: parsed.module, comments: [] }, cachemeImports(parsed.module)!, { onFallback: (why) => void (reason = why) })).toBeUndefined()
    expect(reason).toBe('comments differ')
  })

  test('a module that imports cacheme but not its cached() is left alone on either path, and forgotten', () => {
    const registry = new DefinitionRegistry()
    const before = "import { cached } from 'cacheme'\nexport const c = cached('a:<<id>>', f, { ttl: '1m' })"
    expect(transform(before, 'a.tsx', { registry })).not.toBeNull()
    const after = "import { type Store, createClient } from 'cacheme'\nimport type { cached as t } from 'cacheme'\nconst cached = (s: string, f: unknown) => f\nexport const c = cached('a:<<id>>', f)"
    for (const [name, fastPath] of [['a.ts', true], ['a.ts', false], ['a.tsx', true]] as const) {
      expect(transform(after, name, { registry, fastPath })).toBeNull()
    }
    // a.tsx's old definition is gone: another ttl for the template is no conflict.
    const other = transform("import { cached } from 'cacheme'\nexport const d = cached('a:<<id>>', f, { ttl: '2m' })", 'b.ts', { registry })
    expect(other!.diagnostics).toEqual([])
  })

  test('JSX and TSX modules are always read from oxc\'s syntax tree', () => {
    const code = "import { cached } from 'cacheme'\nexport const c = cached('a:<<id>>', f)\nexport const E = () => <div>{'cached'}</div>"
    expect(transform(code, 'a.tsx')!.code).toContain('__cacheme_a_id')
    expectSameOutput(code, 'a.tsx')
  })
})
