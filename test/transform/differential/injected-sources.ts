/**
 * The repository's own sources, with `cached()` call sites injected at the top of every function
 * body, static block, loop and catch block (fetchers reading the parameters of the function that
 * began last before the block, in scope there or not, a module import and sometimes `this`):
 * real code for the front ends to agree on (own-sources.test.ts, lazy-front-end.test.ts).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseSync } from 'oxc-parser'
import { walk, type Node } from '../../../packages/transform/src/oxc/walk.js'
import { createScope } from '../../../packages/transform/src/oxc/scope.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const SOURCES = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(m?ts|m?js|tsx)$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('test/transform/snapshots/'))

const INJECTED = 'import { cached as __inj } from \'cacheme\'\n'
const BODIES = new Set(['BlockStatement', 'StaticBlock'])

/** The language `transform()` parses a file as (by its extension; SOURCES holds no `.jsx`, so no JSX fallback). */
export function langOf(file: string): 'js' | 'ts' | 'tsx' {
  return /\.[cm]?tsx$/.test(file) ? 'tsx' : /\.[cm]?ts$/.test(file) ? 'ts' : 'js'
}

/** Where a block's statements begin: after its `{`. A static block's node starts at `static`, not at the `{`. */
function bodyStart(code: string, block: Node): number {
  if (block.type !== 'StaticBlock') return block.start + 1
  const brace = /static(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*\{/y
  brace.lastIndex = block.start
  if (!brace.test(code)) throw new Error(`no '{' after 'static' at ${block.start}`)
  return brace.lastIndex
}

/** The file with a call site at the start of every block; undefined when it doesn't parse as is. */
function inject(file: string, code: string): string | undefined {
  const parsed = parseSync(file, code, { lang: langOf(file), sourceType: 'module' })
  if (parsed.errors.length > 0) return undefined
  const program = parsed.program as unknown as Node
  const anImport = (program.body as Node[]).find((s) => s.type === 'ImportDeclaration' && s.specifiers.length > 0 && !s.importKind?.startsWith('type'))?.specifiers[0].local.name as string | undefined
  const inserts: { at: number; text: string }[] = []
  let n = 0
  const params: string[][] = [[]]
  walk(program, createScope(undefined, true), {
    node(node) {
      if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') {
        params.push((node.params as Node[]).flatMap((p) => (p.type === 'Identifier' ? [p.name as string] : p.type === 'TSParameterProperty' && p.parameter.type === 'Identifier' ? [p.parameter.name as string] : [])))
      }
      if (!BODIES.has(node.type)) return
      const names = params[params.length - 1]!
      const reads = [names[0], anImport, n % 3 === 0 ? 'this' : undefined].filter((x): x is string => x !== undefined)
      const k = n++
      inserts.push({ at: bodyStart(code, node), text: `;void __inj('inj${k}:<<id>>', () => [${reads.join(', ')}], { version: ${k % 2} });` })
    },
  })
  if (inserts.length === 0) return undefined
  let out = code
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at)
  const hashbang = out.startsWith('#!') ? out.indexOf('\n') + 1 : 0
  return out.slice(0, hashbang) + INJECTED + out.slice(hashbang)
}

/** Every source file that parses and has a block, call sites injected. */
export function injectedSources(): { file: string; code: string }[] {
  return SOURCES.flatMap((file) => {
    const code = inject(file, readFileSync(ROOT + file, 'utf8'))
    return code === undefined ? [] : [{ file, code }]
  })
}
