/**
 * Generated modules for the fast path's differential test: `cached()` call sites with every
 * kind of template, fetcher and options the planner knows, in different scopes, among code
 * that is hard to tokenize (regular expressions, divisions, template literals, comments).
 */
import { mulberry32 } from '../cacheme/conformance/random-params.js'

const IMPORTS = [
  { line: "import { cached } from 'cacheme'", callee: 'cached' },
  { line: "import { cached as memo } from 'cacheme';", callee: 'memo' },
  { line: "import * as cm from 'cacheme'", callee: 'cm.cached' },
  { line: "import { type Store, cached } from 'cacheme'", callee: 'cached', ts: true },
]

const TEMPLATES = ["'user:<<id>>'", '`post:<<id>>:<<page>>`', "'config'", "'a:<<id>>:<<id>>'", "'bad:<<id'", "prefix + ':<<id>>'", "'user:<<id>>'", "'item:<<id>>'", "'list:<<page>>:<<size>>'"]
/** Rare: each sends its module to oxc. */
const RARE_TEMPLATES = ["'esc\\x3a<<id>>'"]

const FETCHERS = [
  'fetchUser', 'fetchItem', 'fetchConst', 'fetchLater', 'db.get', '(p) => fetchItem(p)', 'async ({ id }) => ({ id, n: counter })',
  '(p) => local(p)', 'function (p) { return fetchItem(p) }', 'undefined', 'localFetcher', 'async (p) => { const r = await fetchItem(p); return r }',
  '(p) => /x\\/y/.test(p.id) ? 1 : 2', 'x => x', '(p) => this', '(...args) => fetchItem(args[0])', '(p) => localFetcher.call(null, p)',
  'async (p) => { return version.get(p) }',
]
const TS_FETCHERS = ['(p: { id: string }) => fetchItem(p)', 'async ({ id }: { id: string }): Promise<unknown> => id', 'fetchItem as never']

const OPTIONS = [
  '', "'5m'", '300', '-1', "{ ttl: '1h', name: 'N' }", '{ version: 2 }', '{ version }', '{ version: () => counter }',
  "{ lock: { ttl: '5s', wait: '1s' }, singleflight: false, codec: 'json' }", '{ ...opts }', "{ ['ttl']: 5 }", 'opts',
  "{ ttl: 'five minutes' }", "{ 'name': 'quoted', ttl: 1_000 }", '{ ttl: 0x10, version: `v2` }', "('5m')",
]

const NOISE = [
  'const re = /a\\/b[/]c/g',
  'const half = counter / 2 / 1',
  'const label = `x${counter}y${`z${counter}`}`',
  "/* cached('no', x) */",
  "const text = 'cached(1)' + \"cacheme\"",
  'if (counter) /re/.test(String(counter))',
  "const url = 'http://x/*y*/' + \"//z\"",
  'outer: for (const id of [1, 2]) { if (id) continue outer }',
  'try { counter++ } catch ({ message }) { counter = message.length / 2 }',
  'switch (counter) { case 1: { const local = 1; break } default: counter = (counter) / 2 }',
  'const shape = { get size() { return 1 }, method(a, b) { return a ?? b?.c }, [prefix]: 1 }',
  'export default class { static { let fetchItem = 1 } field = counter / 2; #secret = 1 }',
  'const ratio = (counter + 1) / (counter || 1) / 2',
  'const nested = (a) => (b) => a + b',
]

/** More places a call site can be: loops, catch blocks, switch cases, methods, fields, defaults. */
const CONTEXTS: ((call: string) => string)[] = [
  (call) => `for (const localFetcher of [fetchItem]) { ${call}.get({ id: 1 }) }`,
  (call) => `try { counter++ } catch (version) { ${call}.get({ id: 1 }) }`,
  (call) => `switch (counter) { case 0: const local = fetchItem; ${call}.get({ id: 1 }) }`,
  (call) => `export const o = { async load(id, version) { return ${call}.get({ id }) } }`,
  (call) => `export class F { store = ${call}; static s = ${call} }`,
  (call) => `export function d(id, s = ${call}) { return s }`,
  (call) => `export const e = (version) => (id) => ${call}.get({ id })`,
  (call) => `export const w = async (localFetcher) => {\n  const r = await ${call}\n    .get({ id: 1 })\n  return r\n}`,
  (call) => `export const t = \`\${${call}.name}\``,
]

export interface GeneratedModule {
  name: string
  code: string
}

export function generateModules(count: number, seed = 1): GeneratedModule[] {
  const next = mulberry32(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  const modules: GeneratedModule[] = []
  for (let m = 0; m < count; m++) {
    const ts = next() < 0.5
    const imports = IMPORTS.filter((i) => ts || !i.ts)
    const { line, callee } = pick(imports)
    const fetchers = ts ? [...FETCHERS, ...TS_FETCHERS] : FETCHERS
    const call = () => {
      const options = pick(OPTIONS)
      const template = next() < 0.03 ? pick(RARE_TEMPLATES) : pick(TEMPLATES)
      return `${callee}(${template}, ${pick(fetchers)}${options ? `, ${options}` : ''})`
    }
    const body: string[] = [line, "import { fetchUser, db } from './db.js'", '']
    body.push('let counter = 0', 'const prefix = String(counter)', 'export async function fetchItem({ id }) { return { id } }', 'const fetchConst = async (p) => p')
    const sites = 1 + Math.floor(next() * 4)
    for (let s = 0; s < sites; s++) {
      if (next() < 0.4) body.push(pick(NOISE))
      switch (Math.floor(next() * 11)) {
        case 0:
        case 1:
          body.push(`export const v${s} = ${call()}`)
          break
        case 2:
        case 3:
          body.push(`export function f${s}(id, version, localFetcher, opts) {`, '  const local = (p) => p', `  return ${call()}.get({ id })`, '}')
          break
        case 4:
        case 5:
          body.push(`export const g${s} = async (id, version) => ${call()}.get({ id })`)
          break
        case 6:
        case 7:
          body.push(`export class C${s} {`, '  async m(id, localFetcher) {', `    return ${call()}.get({ id })`, '  }', '}')
          break
        case 9:
          body.push(pick(CONTEXTS)(call()))
          break
        case 8:
          body.push(`export function h${s}() {`, `  const ${callee.split('.')[0]} = () => 1`, `  return ${callee}('x', fetchItem)`, '}')
          break
        case 10:
          body.push(`export const n${s} = ${callee}('outer:<<id>>', async (p) => ${call()}.get(p))`)
      }
    }
    body.push('async function fetchLater(p) { return p }', '')
    modules.push({ name: `gen${m}.${ts ? 'ts' : 'js'}`, code: body.join('\n') })
  }
  return modules
}
