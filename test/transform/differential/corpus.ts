/**
 * Generated modules shaped like real code, with `cached()` call sites injected where real code
 * has them: functions whose return types hold braces, arrows, methods reading `this`, class
 * fields, static blocks, decorators (and call sites inside decorator arguments), top-level
 * loops and catch blocks, `using`, generics, `satisfies`, JSX in .js and .tsx, CRLF line ends,
 * a BOM, a hashbang. Every site's fetcher logs what it read (probe.mjs), so a fetcher hoisted
 * out of its scope shows up as a different value or a ReferenceError.
 */
import type { SourceModule } from './front-ends.js'

/** A small deterministic PRNG (mulberry32): the same corpus on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Flavour {
  ts: boolean
  jsx: boolean
}

type Context = (label: string, ops: (local: boolean) => string, f: Flavour) => { code: string; run?: string }

const CONTEXTS: { weight: number; ts?: boolean; make: Context }[] = [
  {
    weight: 3,
    make: (l, ops, { ts }) => ({
      code: `async function f${l}(local${ts ? ': string' : ''})${ts ? ': Promise<{ v: unknown } | null>' : ''} {\n  ${ops(true)}\n  return null\n}`,
      run: `await f${l}('param-${l}')`,
    }),
  },
  {
    weight: 2,
    make: (l, ops, { ts }) => ({
      code: `const a${l} = async (local${ts ? ': string' : ''})${ts ? ': Promise<{ w: number }>' : ''} => {\n  ${ops(true)}\n  return { w: 1 }\n}`,
      run: `await a${l}('arrow-${l}')`,
    }),
  },
  {
    weight: 2,
    make: (l, ops, { ts }) => ({
      code: `class K${l} {\n  ${ts ? 'local: string\n  ' : ''}constructor(local${ts ? ': string' : ''}) { this.local = local }\n  async m()${ts ? ': Promise<{ done: true }>' : ''} {\n    const local = this.local\n    ${ops(true)}\n    await observe('${l}:this', () => ${'CALL_THIS'}.get(PARAMS))\n    return { done: true }\n  }\n}`,
      run: `await new K${l}('method-${l}').m()`,
    }),
  },
  { weight: 2, make: (l, ops) => ({ code: `for (const local of ['of-${l}', 'of2-${l}']) {\n  ${ops(true)}\n}` }) },
  { weight: 1, make: (l, ops) => ({ code: `for (let local = 0; local < 2; local++) {\n  ${ops(true)}\n}` }) },
  { weight: 1, make: (l, ops) => ({ code: `for (const local in { a: 1, b: 2 }) {\n  ${ops(true)}\n}` }) },
  { weight: 2, make: (l, ops) => ({ code: `try {\n  throw new Error('caught-${l}')\n} catch (local) {\n  ${ops(true)}\n}` }) },
  {
    weight: 1,
    make: (l) => ({
      code: `class S${l} {\n  static {\n    const local = 'static-${l}'\n    later('${l}:static', () => CALL_LOCAL.get(PARAMS))\n  }\n}`,
    }),
  },
  {
    weight: 1,
    make: (l) => ({
      code: `class F${l} {\n  store = CALL_ANY\n}`,
      run: `await observe('${l}:field', () => new F${l}().store.get(PARAMS))`,
    }),
  },
  {
    weight: 2,
    ts: true,
    make: (l, ops) => ({
      code: `@tag(CALL_ANY.name)\nclass D${l} {}\nasync function d${l}(local: string) {\n  await observe('${l}:dec', () => CALL_DECORATED.get(PARAMS))\n  ${ops(true)}\n}`,
      run: `await observe('${l}:tag', () => (D${l} as unknown as { tag: string }).tag)\n  await d${l}('decorated-${l}')`,
    }),
  },
  {
    weight: 1,
    make: (l, ops) => ({
      code: `async function u${l}() {\n  using local = { name: 'using-${l}', [Symbol.dispose]() { read('dispose-${l}') } }\n  ${ops(true)}\n}`,
      run: `await u${l}()`,
    }),
  },
  {
    weight: 1,
    ts: true,
    make: (l, ops) => ({
      code: `async function g${l}<T extends { id: number }>(local: T): Promise<Array<{ v: T }>> {\n  ${ops(true)}\n  return [{ v: local }]\n}`,
      run: `await g${l}({ id: 7 })`,
    }),
  },
  {
    weight: 1,
    make: (l, ops) => ({
      code: `const n${l} = (local) => async () => {\n  ${ops(true)}\n}`.replace('(local)', '(local: string)'),
      run: `await n${l}('nested-${l}')()`,
    }),
  },
]

const NOISE = [
  'const re = /a\\/b[/]c{2}/g',
  'const half = counter / 2 / 1',
  'const label = `x${counter}y${`z{${counter}}`}`',
  "/* cached('no', x) */ // cached('no')",
  'const text = \'cached(1)\' + "cacheme { }"',
  'if (counter) /re{/.test(String(counter))',
  'const shape = { get size() { return 1 }, method(a, b) { return a ?? b?.c }, [String(counter)]: 1 }',
  'outer: for (const id of [1, 2]) { if (id) continue outer }',
  'switch (counter) { case 1: { const local = 1; break } default: counter = counter / 2 }',
]
const TS_NOISE = [
  'interface Shape { a: { b: string } }',
  'type Pick2<T> = { [K in keyof T]: T[K] }',
  'enum Color { Red = 1, Blue }',
  'const conf = { ttl: 5 } satisfies Record<string, number>',
  'function typed(x: { a: number }): { b: number } { return { b: x.a } }',
  'declare const declared: { x: number }',
]
const JSX_NOISE = ['const view = (x) => <div className="v">{x}<span /></div>', 'const bold = <b title={String(counter)}>{counter}</b>']

/** The corpus the tests run (`CORPUS_MODULES` to try another size). */
export const CORPUS_SIZE = Number(process.env.CORPUS_MODULES ?? 2000)
/** A corpus test takes 10-25 s of CPU; on a machine shared with other builds, longer. */
export const CORPUS_TIMEOUT = 240_000

export interface CorpusOptions {
  modules: number
  seed?: number
}

/** `count` modules named c0.ts, c1.js, … each exporting `run()`; templates are unique across the corpus (one build). */
export function generateCorpus({ modules, seed = 11 }: CorpusOptions): SourceModule[] {
  const next = random(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  const chance = (p: number) => next() < p
  const out: SourceModule[] = []
  for (let m = 0; m < modules; m++) {
    const roll = next()
    const f: Flavour =
      roll < 0.45
        ? { ts: true, jsx: false }
        : roll < 0.55
          ? { ts: true, jsx: true }
          : roll < 0.8
            ? { ts: false, jsx: false }
            : { ts: false, jsx: true }
    const name = `c${m}.${f.ts ? (f.jsx ? 'tsx' : 'ts') : 'js'}`
    const crlf = chance(0.15)
    const hashbang = chance(0.05)
    const bom = !hashbang && chance(0.05)
    const callee = pick(['cached', 'memo', 'cm.cached'])
    const lines: string[] = []
    if (hashbang) lines.push('#!/usr/bin/env node')
    if (chance(0.1)) lines.push("'use strict'")
    if (chance(0.1)) lines.push('export const early = 1')
    lines.push(
      callee === 'cached'
        ? f.ts && chance(0.3)
          ? "import { type Store, cached } from 'cacheme'"
          : "import { cached } from 'cacheme'"
        : callee === 'memo'
          ? "import { cached as memo } from 'cacheme';"
          : "import * as cm from 'cacheme'",
    )
    lines.push("import { read, observe, later, tag, h } from './probe.js'")
    lines.push(
      "const local = 'module-local'",
      'let counter = 0',
      `async function fetchTop(p${f.ts ? ': unknown' : ''}) { return read('top', p) }`,
    )
    const runs: string[] = []
    // Each noise line once per module: they declare names.
    const noise = new Set<string>()
    const sites = 1 + Math.floor(next() * 4)
    for (let s = 0; s < sites; s++) {
      const label = `m${m}s${s}`
      let n = 0
      const template = () => {
        const t = `${label}t${n++}`
        const kind = Math.floor(next() * 4)
        if (kind === 0) return { text: `'${t}'`, params: '{}' }
        if (kind === 1) return { text: `\`${t}:<<id>>:<<page>>\``, params: '{ id: 1, page: 2 }' }
        if (kind === 2 && crlf) return { text: `\`${t}:\n<<id>>\``, params: "{ id: 'x y' }" }
        return { text: `'${t}:<<id>>'`, params: `{ id: ${pick(['1', "'a:b'", "'ü'", 'counter'])} }` }
      }
      const fetcher = (lbl: string, canReadLocal: boolean) => {
        const forms = [
          'fetchTop',
          `(p) => read('${lbl}', p)`,
          `function (p) { return read('${lbl}', arguments.length, p) }`,
          `() => { throw new Error('boom ${lbl}') }`,
          `() => read('${lbl}', counter)`,
          `async (p) => { const v = await Promise.resolve(p); return read('${lbl}', v) }`,
        ]
        if (canReadLocal)
          forms.push(`() => read('${lbl}', String(local))`, `async () => read('${lbl}', typeof local === 'object' ? local.name : local)`)
        if (f.ts) forms.push(`(p: unknown): { v: unknown } => read('${lbl}', p) as never`, 'fetchTop as never')
        if (f.jsx) forms.push(`(p) => read('${lbl}', <b>{String(p)}</b>)`)
        return pick(forms)
      }
      const options = (canReadLocal: boolean) => {
        const forms = [
          '',
          "'5m'",
          '60',
          "{ ttl: '1h', name: 'N' }",
          '{ version: 2 }',
          '{ version: () => counter + 1 }',
          "{ singleflight: false, codec: 'json' }",
          '{ lock: false }',
        ]
        if (canReadLocal) forms.push('{ version: () => String(local).length }')
        if (f.ts) forms.push("{ ttl: '5m' } satisfies Record<string, unknown>")
        const o = pick(forms)
        return o ? `, ${o}` : ''
      }
      const call = (canReadLocal: boolean, fetcherText?: string) => {
        const t = template()
        return { text: `${callee}(${t.text}, ${fetcherText ?? fetcher(label, canReadLocal)}${options(canReadLocal)})`, params: t.params }
      }
      const ops = (canReadLocal: boolean) => {
        const c = call(canReadLocal)
        const steps = [
          `await observe('${label}:get', () => ${c.text}.get(${c.params}))`,
          `await observe('${label}:again', () => ${c.text}.get(${c.params}))`,
          `await observe('${label}:key', () => ${c.text}.key(${c.params}))`,
        ]
        if (chance(0.3)) steps.push(`await observe('${label}:many', () => ${c.text}.getMany([${c.params}, ${c.params}]))`)
        if (chance(0.2)) steps.push(`await observe('${label}:name', () => ${c.text}.name)`)
        if (chance(0.1)) steps.push(`await observe('${label}:missing', () => ${c.text}.key(Object.create(null)))`)
        return steps.join('\n  ')
      }
      const contexts = CONTEXTS.filter((c) => f.ts || !c.ts)
      const total = contexts.reduce((n, c) => n + c.weight, 0)
      let r = next() * total
      const context = contexts.find((c) => (r -= c.weight) < 0) ?? contexts[0]!
      let { code, run } = context.make(label, ops, f)
      const fill = (marker: string, canReadLocal: boolean, fetcherText?: string) => {
        while (code.includes(marker)) {
          const c = call(canReadLocal, fetcherText)
          code = code.replace(marker, c.text).replace('PARAMS', c.params)
          if (run) run = run.replace('PARAMS', c.params)
        }
      }
      fill('CALL_THIS', false, `() => read('${label}', this.local)`)
      fill('CALL_LOCAL', true)
      fill('CALL_DECORATED', true, `() => { @tag(local) class A {} return read('${label}', (A as unknown as { tag: string }).tag) }`)
      while (code.includes('CALL_ANY')) {
        const c = call(false)
        code = code.replace('CALL_ANY', c.text)
        code = code.replace('PARAMS', c.params)
        if (run) run = run.replace('PARAMS', c.params)
      }
      if (!f.ts) code = code.replace(/\(local: string\)/g, '(local)')
      if (chance(0.4)) noise.add(pick(NOISE))
      if (f.ts && chance(0.3)) noise.add(pick(TS_NOISE))
      if (f.jsx && chance(0.5)) noise.add(pick(JSX_NOISE))
      lines.push(code)
      if (run) runs.push(run)
    }
    lines.splice(lines.length - sites, 0, ...noise)
    lines.push(`export async function run() {\n  ${runs.join('\n  ')}\n}`, '')
    let code = lines.join('\n')
    if (crlf) code = code.replace(/\n/g, '\r\n')
    if (bom) code = `\uFEFF${code}`
    out.push({ name, code })
  }
  return out
}
