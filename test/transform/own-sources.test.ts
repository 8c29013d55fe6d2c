/**
 * The repository's own sources, with `cached()` call sites injected at the top of every function
 * body, static block, loop and catch block (fetchers reading the parameters of the function that
 * began last before the block, in scope there or not, a module import and sometimes `this`): oxc and TypeScript must take the same decision for every site (hoisted or
 * bound, same diagnostics), and every output must parse.
 */
import { parseSync } from 'oxc-parser'
import * as ts from 'typescript'
import { expect, test } from 'vitest'
import { transform } from '@cacheme/transform'
import { lineLocator } from '../../packages/transform/src/core/lines.js'
import { planModule } from '../../packages/transform/src/core/plan.js'
import { collectCallSites as oxcCallSites } from '../../packages/transform/src/oxc/collect.js'
import { cachemeImports } from '../../packages/transform/src/oxc/imports.js'
import type { Node } from '../../packages/transform/src/oxc/walk.js'
import { collectCallSites as tsCallSites } from '../../packages/transform/src/ts/collect.js'
import { injectedSources, langOf } from './differential/injected-sources.js'

const modules = injectedSources()

test(`${modules.length} of the repository's source files, call sites injected: oxc and TypeScript decide alike, and every output parses`, () => {
  expect(modules.length).toBeGreaterThan(150)
  const files = new Map(modules.map((m) => [`/repo/${m.file}`, m.code]))
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, noResolve: true, noLib: true, types: [], allowJs: true }
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
      return { edits: plan.edits.map((e) => `${e.site.start}:${e.kind}`), diagnostics: plan.diagnostics.map((d) => `${d.start}:${d.message}`) }
    }
    // As transform() reads it: a module that doesn't parse has no call sites there (oxc's tree of
    // a module with errors is partial, while TypeScript's recovers), so an injection that breaks
    // the syntax would show as a front-end disagreement. It must parse.
    const parsed = parseSync(file, code, { lang: langOf(file), sourceType: 'module' })
    expect(parsed.errors.map((e) => e.codeframe), file).toEqual([])
    const oxc = decide(oxcCallSites(parsed.program as unknown as Node, cachemeImports(parsed.module)!, code).sites as never)
    const tsc = decide(tsCallSites(ts, program.getSourceFile(`/repo/${file}`)!, checker) as never)
    sites += oxc.edits.length
    if (JSON.stringify(oxc) !== JSON.stringify(tsc)) disagreements.push({ file, oxc, tsc })
    const output = transform(code, file)
    // transform() is the oxc front end as driven here: it has something to say exactly when the plan does.
    expect(output !== null, file).toBe(oxc.edits.length > 0 || oxc.diagnostics.length > 0)
    if (output && output.code !== code) expect(parseSync(file, output.code, { lang: langOf(file), sourceType: 'module' }).errors, file).toEqual([])
  }
  expect(disagreements.slice(0, 3)).toEqual([])
  expect(sites).toBeGreaterThan(1000)
})
