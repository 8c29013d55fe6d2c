/**
 * The repository's own sources, with `cached()` call sites injected at the top of every function
 * body, static block, loop and catch block (fetchers reading the parameters of the function that
 * began last before the block, in scope there or not, a module import and sometimes `this`): oxc and TypeScript must take the same decision for every site (hoisted or
 * bound, same diagnostics), and every output must parse.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseSync } from 'oxc-parser'
import * as ts from 'typescript'
import { expect, test } from 'vitest'
import { transform } from '@cacheme/transform'
import { lineLocator } from '../../packages/transform/src/core/lines.js'
import { planModule } from '../../packages/transform/src/core/plan.js'
import { collectCallSites as oxcCallSites } from '../../packages/transform/src/oxc/collect.js'
import { cachemeImports } from '../../packages/transform/src/oxc/imports.js'
import { walk, type Node } from '../../packages/transform/src/oxc/walk.js'
import { createScope } from '../../packages/transform/src/oxc/scope.js'
import { collectCallSites as tsCallSites } from '../../packages/transform/src/ts/collect.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SOURCES = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(m?ts|m?js|tsx)$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('test/transform/snapshots/'))

const INJECTED = "import { cached as __inj } from 'cacheme'\n"
const BODIES = new Set(['BlockStatement', 'StaticBlock'])

/** The language `transform()` parses a file as (by its extension; SOURCES holds no `.jsx`, so no JSX fallback). */
function langOf(file: string): 'js' | 'ts' | 'tsx' {
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
  const anImport = (program.body as Node[]).find(
    (s) => s.type === 'ImportDeclaration' && s.specifiers.length > 0 && !s.importKind?.startsWith('type'),
  )?.specifiers[0].local.name as string | undefined
  const inserts: { at: number; text: string }[] = []
  let n = 0
  const params: string[][] = [[]]
  walk(program, createScope(undefined, true), {
    node(node) {
      if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') {
        params.push(
          (node.params as Node[]).flatMap((p) =>
            p.type === 'Identifier'
              ? [p.name as string]
              : p.type === 'TSParameterProperty' && p.parameter.type === 'Identifier'
                ? [p.parameter.name as string]
                : [],
          ),
        )
      }
      if (!BODIES.has(node.type)) return
      const names = params[params.length - 1]!
      const reads = [names[0], anImport, n % 3 === 0 ? 'this' : undefined].filter((x): x is string => x !== undefined)
      const k = n++
      inserts.push({
        at: bodyStart(code, node),
        text: `;void __inj('inj${k}:<<id>>', () => [${reads.join(', ')}], { version: ${k % 2} });`,
      })
    },
  })
  if (inserts.length === 0) return undefined
  let out = code
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at)
  const hashbang = out.startsWith('#!') ? out.indexOf('\n') + 1 : 0
  return out.slice(0, hashbang) + INJECTED + out.slice(hashbang)
}

const modules = SOURCES.flatMap((file) => {
  const code = inject(file, readFileSync(ROOT + file, 'utf8'))
  return code === undefined ? [] : [{ file, code }]
})

test(`${modules.length} of the repository's source files, call sites injected: oxc and TypeScript decide alike, and every output parses`, () => {
  expect(modules.length).toBeGreaterThan(150)
  const files = new Map(modules.map((m) => [`/repo/${m.file}`, m.code]))
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    noResolve: true,
    noLib: true,
    types: [],
    allowJs: true,
  }
  const host = ts.createCompilerHost(options)
  host.getSourceFile = (name, version) => (files.has(name) ? ts.createSourceFile(name, files.get(name)!, version, true) : undefined)
  host.fileExists = (name) => files.has(name)
  const program = ts.createProgram([...files.keys()], options, host)
  const checker = program.getTypeChecker()
  let sites = 0
  const disagreements: unknown[] = []
  for (const { file, code } of modules) {
    const decide = (found: { start: number }[] & Parameters<typeof planModule>[0]) => {
      const plan = planModule(found, { file, code, locate: lineLocator(code) })
      return {
        edits: plan.edits.map((e) => `${e.site.start}:${e.kind}`),
        diagnostics: plan.diagnostics.map((d) => `${d.start}:${d.message}`),
      }
    }
    // As transform() reads it: a module that doesn't parse has no call sites there (oxc's tree of
    // a module with errors is partial, while TypeScript's recovers), so an injection that breaks
    // the syntax would show as a front-end disagreement. It must parse.
    const parsed = parseSync(file, code, { lang: langOf(file), sourceType: 'module' })
    expect(
      parsed.errors.map((e) => e.codeframe),
      file,
    ).toEqual([])
    const oxc = decide(oxcCallSites(parsed.program as unknown as Node, cachemeImports(parsed.module)!, code).sites as never)
    const tsc = decide(tsCallSites(ts, program.getSourceFile(`/repo/${file}`)!, checker) as never)
    sites += oxc.edits.length
    if (JSON.stringify(oxc) !== JSON.stringify(tsc)) disagreements.push({ file, oxc, tsc })
    const output = transform(code, file)
    // transform() is the oxc front end as driven here: it has something to say exactly when the plan does.
    expect(output !== null, file).toBe(oxc.edits.length > 0 || oxc.diagnostics.length > 0)
    if (output && output.code !== code)
      expect(parseSync(file, output.code, { lang: langOf(file), sourceType: 'module' }).errors, file).toEqual([])
  }
  expect(disagreements.slice(0, 3)).toEqual([])
  expect(sites).toBeGreaterThan(1000)
})
