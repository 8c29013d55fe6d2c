import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as ts from 'typescript'
import { expect, test } from 'vitest'
import { createTransformer, formatDiagnostic } from '@cacheme/transform'
import cachemeTransformer from '@cacheme/transform/tsc'

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url))
const fixtures = readdirSync(dir).filter((name) => name.endsWith('.ts'))

/** Compiles fixtures as one program (one build) through the ts-patch transformer, in memory. */
function compile(names: string[], module = ts.ModuleKind.ESNext) {
  const program = ts.createProgram(
    names.map((name) => join(dir, name)),
    {
      target: ts.ScriptTarget.ES2022,
      module,
      noResolve: true,
      noLib: true,
      types: [],
      esModuleInterop: true,
    },
  )
  const diagnostics: ts.Diagnostic[] = []
  const outputs = new Map<string, string>()
  const transformer = cachemeTransformer(program, { warnings: 'diagnostic' }, { ts, addDiagnostic: (d) => void diagnostics.push(d) })
  program.emit(undefined, (file, text) => outputs.set(file, text), undefined, false, { before: [transformer] })
  const located = diagnostics.map((d) => {
    const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start!)
    return `${d.category === ts.DiagnosticCategory.Error ? 'error' : 'warning'}: fixtures/${d.file!.fileName.split('/').pop()}:${line + 1}:${character + 1}: ${d.messageText}`
  })
  return { located, outputs }
}

test.each(fixtures)('%s: the TypeScript front end reports what the oxc front end reports', (name) => {
  const compiled = compile(name === 'conflict-b.ts' ? ['conflict-a.ts', name] : [name])
  const build = createTransformer()
  if (name === 'conflict-b.ts') build.transform(ts.sys.readFile(join(dir, 'conflict-a.ts'))!, 'fixtures/conflict-a.ts')
  const oxc = build.transform(ts.sys.readFile(join(dir, name))!, `fixtures/${name}`)
  const expected = (oxc?.diagnostics ?? []).map((d) => `${d.severity}: ${formatDiagnostic(d)}`)
  const mine = compiled.located.filter((line) => line.includes(`fixtures/${name}:`))
  // The conflict names the other module as each front end knows it: a relative id vs tsc's absolute path.
  expect(mine.map((l) => l.replace(dir, 'fixtures/'))).toEqual(expected)
})

test.each(fixtures.filter((name) => !name.startsWith('malformed-') && !name.startsWith('conflict-')))(
  '%s: emitted JavaScript',
  async (name) => {
    const output = compile([name]).outputs.get(join(dir, name.replace(/\.ts$/, '.js')))
    expect(output).toBeDefined()
    await expect(output).toMatchFileSnapshot(`./snapshots/tsc/${name.replace(/\.ts$/, '.out.js')}`)
  },
)

test('CommonJS output: the runtime comes through require() and a hoisted imported fetcher is read from its module', () => {
  const output = compile(['inline-get.ts'], ts.ModuleKind.CommonJS).outputs.get(join(dir, 'inline-get.js'))!
  expect(output).toContain("const __cacheme = __importStar(require('cacheme'));")
  expect(output).toContain('p => (0, db_js_1.fetchComment)(p));')
  expect(output).toContain('return __cacheme_comment_id.get({ id });')
})

test('the transformer refuses to run outside ts-patch and names a bad "warnings" option', () => {
  const program = ts.createProgram([], {})
  expect(() => cachemeTransformer(program, {}, undefined as never)).toThrow('expected to be loaded by ts-patch as a program transformer')
  expect(() => cachemeTransformer(program, { warnings: 'loud' as never }, { ts, addDiagnostic: () => 0 })).toThrow(
    '"warnings" must be one of "stderr", "diagnostic", "off", got "loud"',
  )
})
