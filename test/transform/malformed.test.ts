import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { createTransformer, formatDiagnostic, transform } from '@cacheme/transform'

const read = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')

function errorsOf(name: string): string[] {
  const result = transform(read(name), `fixtures/${name}`)
  expect(result).not.toBeNull()
  expect(result!.code).toBe(read(name))
  return result!.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)
}

test.each([
  ['malformed-unclosed.ts', '4:41', "has an unclosed '<<'", "'comment:<<id'"],
  ['malformed-empty-name.ts', '4:41', "empty placeholder '<<>>'", "'comment:<<>>'"],
  ['malformed-non-identifier.ts', '4:41', 'is not a JavaScript identifier', "'<<comment-id>>'"],
  ['malformed-repeated.ts', '4:48', "repeats placeholder '<<id>>'", "'comment:<<id>>:<<id>>'"],
  ['malformed-ttl.ts', '4:71', 'is not a duration', '"5 minutes"'],
  // Escapes in the literal: the column is that of `<<` in the source, not in the string's value.
  ['malformed-escaped.ts', '4:46', 'is not a JavaScript identifier', "'<<id-x>>'"],
])('%s fails at file:line:col naming the bad text', (name, position, problem, badText) => {
  const errors = errorsOf(name)
  expect(errors).toHaveLength(1)
  expect(errors[0]).toMatch(new RegExp(`^fixtures/${name.replace('.', '\\.')}:${position}: cacheme: `))
  expect(errors[0]).toContain(problem)
  expect(errors[0]).toContain(badText)
})

test('two modules of one build defining a template differently fail naming both locations', () => {
  const build = createTransformer()
  expect(build.transform(read('conflict-a.ts'), 'fixtures/conflict-a.ts')!.diagnostics).toEqual([])
  const errors = build.transform(read('conflict-b.ts'), 'fixtures/conflict-b.ts')!.diagnostics.map(formatDiagnostic)
  expect(errors).toEqual([
    "fixtures/conflict-b.ts:5:10: cacheme: template 'comment:<<id>>' is defined here with ttl '10m' and at fixtures/conflict-a.ts:4:25 with ttl '5m'; call sites of one template must agree on ttl, version and name",
  ])
})

test('a module transformed again replaces its own definitions (watch mode)', () => {
  const build = createTransformer()
  build.transform(read('conflict-a.ts'), 'fixtures/conflict-a.ts')
  expect(build.transform(read('conflict-a.ts'), 'fixtures/conflict-a.ts')!.diagnostics).toEqual([])
  const fixed = read('conflict-b.ts').replace("{ ttl: '10m', version: 2 }", "'5m'")
  expect(build.transform(fixed, 'fixtures/conflict-b.ts')!.diagnostics).toEqual([])
  build.forget('fixtures/conflict-a.ts')
  expect(build.transform(read('conflict-b.ts'), 'fixtures/conflict-b.ts')!.diagnostics).toEqual([])
})

test('versions and names conflict too; equal values written differently do not', () => {
  const head = "import { cached } from 'cacheme'\nimport { f } from './f.js'\n"
  const check = (a: string, b: string) =>
    transform(`${head}cached('t:<<x>>', f, ${a})\ncached('t:<<x>>', f, ${b})\n`, 'm.ts')!.diagnostics.map((d) => d.message)
  expect(check('{ ttl: 300, version: 2 }', "{ ttl: '5m', version: '2' }")).toEqual([])
  expect(check('{ version: 2 }', '{ version: 3 }')[0]).toContain('with version 3 and at m.ts:3:1 with version 2')
  expect(check("{ ttl: 60, name: 'A' }", '60')[0]).toContain("with name 't:<<x>>' (the default) and at m.ts:3:1 with name 'A'")
  // Values only known at run time can't be compared, so they never conflict.
  expect(check('{ version: v }', '{ version: 3 }')).toEqual([])
})

test('a non-literal template is left to the runtime with a warning at its position', () => {
  const result = transform(read('non-literal-template.ts'), 'fixtures/non-literal-template.ts')!
  expect(result.code).toBe(read('non-literal-template.ts'))
  expect(result.diagnostics.map(formatDiagnostic)).toEqual([
    expect.stringMatching(/^fixtures\/non-literal-template\.ts:6:32: cacheme: the template of this cached\(\) call is not a literal/),
  ])
  expect(result.diagnostics[0]!.severity).toBe('warning')
})

test('transform() validates its input', () => {
  expect(() => transform(42 as unknown as string, 'a.ts')).toThrow('code must be a string, got number')
  expect(() => transform('', '')).toThrow('id must be a non-empty file name, got ""')
  expect(() => transform('', 'a.ts', { sourcemap: false } as never)).toThrow(
    "unknown option 'sourcemap'; expected one of registry, sourceMap",
  )
  expect(() => transform('', 'a.ts', { sourceMap: 'no' } as never)).toThrow("option 'sourceMap' must be a boolean, got string")
  expect(() => transform('', 'a.ts', 7 as never)).toThrow('options must be an object like { sourceMap: false }, got number')
})

test('a CRLF inside a template literal counts as one character: the error is at the `<<` on the next line, and the message is one line', () => {
  const code = "import { cached } from 'cacheme'\r\nimport { f } from './f.js'\r\n\r\nexport const s = cached(`a:\r\n<<id`, f)\r\n"
  const [error, ...rest] = transform(code, 'crlf.ts')!.diagnostics
  expect(rest).toEqual([])
  expect(formatDiagnostic(error!)).toBe("crlf.ts:5:1: cacheme: template 'a:\\n<<id' has an unclosed '<<' at offset 3; expected '<<name>>'")
  expect(error!.message).not.toMatch(/[\r\n]/)
})
