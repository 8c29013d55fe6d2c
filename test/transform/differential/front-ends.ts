/**
 * The ways a module can reach Node in a differential run: untransformed, through the oxc front
 * end (`transform()`), and through the ts-patch transformer on each TypeScript. Each returns
 * plain JavaScript per module (types stripped, JSX turned into `h()` calls, decorators and
 * `using` lowered for Node 20 by esbuild; tsc does that itself), or the build's errors.
 */
import { transformSync, type Loader } from 'esbuild'
import * as ts5 from 'typescript'
import * as ts6 from 'typescript6'
import { createTransformer, formatDiagnostic } from '@cacheme/transform'
import cachemeTransformer from '@cacheme/transform/tsc'

export interface SourceModule {
  name: string
  code: string
}

export interface Built {
  /** JavaScript per module name; absent for a module its front end refused. */
  code: Map<string, string>
  /** `file:line:col: message` of each error, per module. */
  errors: Map<string, string[]>
}

export type FrontEnd = 'source' | 'oxc' | 'tsc-5.9' | 'tsc-6.0'

export function build(frontEnd: FrontEnd, modules: readonly SourceModule[]): Built {
  if (frontEnd === 'source') return { code: new Map(modules.map((m) => [m.name, toNode(m.code, m.name)])), errors: new Map() }
  if (frontEnd === 'oxc') return oxc(modules)
  return tsc(frontEnd === 'tsc-5.9' ? (ts5 as unknown as typeof ts5) : (ts6 as unknown as typeof ts5), modules)
}

function oxc(modules: readonly SourceModule[]): Built {
  const built: Built = { code: new Map(), errors: new Map() }
  const transformer = createTransformer()
  for (const { name, code } of modules) {
    const result = transformer.transform(code, name)
    const errors = (result?.diagnostics ?? []).filter((d) => d.severity === 'error')
    if (errors.length > 0) built.errors.set(name, errors.map(formatDiagnostic))
    else built.code.set(name, toNode(result?.code ?? code, name))
  }
  return built
}

const ROOT = '/corpus/'

/** One program of every module (one build), emitted in memory through the ts-patch transformer. */
function tsc(tsi: typeof ts5, modules: readonly SourceModule[]): Built {
  const built: Built = { code: new Map(), errors: new Map() }
  const files = new Map(modules.map((m) => [ROOT + m.name, m.code]))
  const options: ts5.CompilerOptions = {
    target: tsi.ScriptTarget.ES2022,
    module: tsi.ModuleKind.ESNext,
    noResolve: true,
    noLib: true,
    types: [],
    allowJs: true,
    jsx: tsi.JsxEmit.React,
    jsxFactory: 'h',
    outDir: '/out/',
    rootDir: ROOT,
    useDefineForClassFields: true,
    skipLibCheck: true,
  }
  const host = tsi.createCompilerHost(options)
  host.getSourceFile = (fileName, languageVersion) => {
    const text = files.get(fileName)
    return text === undefined ? undefined : tsi.createSourceFile(fileName, text, languageVersion)
  }
  host.fileExists = (fileName) => files.has(fileName)
  host.readFile = (fileName) => files.get(fileName)
  host.writeFile = (fileName, text) => {
    built.code.set(fileName.slice('/out/'.length).replace(/\.js$/, ''), text)
  }
  const program = tsi.createProgram([...files.keys()], options, host)
  const diagnostics: ts5.Diagnostic[] = []
  const transformer = cachemeTransformer(
    program as never,
    { warnings: 'off' },
    { ts: tsi as never, addDiagnostic: (d) => void diagnostics.push(d) },
  )
  program.emit(undefined, undefined, undefined, false, { before: [transformer as never] })
  const byStem = new Map(modules.map((m) => [m.name.replace(/\.[jt]sx?$/, ''), m.name]))
  const code = new Map<string, string>()
  for (const [stem, text] of built.code) code.set(byStem.get(stem) ?? stem, text)
  built.code = code
  for (const d of diagnostics) {
    if (d.category !== tsi.DiagnosticCategory.Error) continue
    const name = d.file!.fileName.slice(ROOT.length)
    const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start!)
    built.errors.set(name, [
      ...(built.errors.get(name) ?? []),
      `${name}:${line + 1}:${character + 1}: ${tsi.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    ])
    built.code.delete(name)
  }
  return built
}

const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.tsx': 'tsx', '.js': 'jsx', '.jsx': 'jsx' }

/** Source (JS or TS) as JavaScript Node 20 runs. */
function toNode(code: string, name: string): string {
  const loader = LOADERS[name.slice(name.lastIndexOf('.'))] ?? 'js'
  return transformSync(code, { loader, format: 'esm', target: 'node20', jsxFactory: 'h', sourcefile: name }).code
}
