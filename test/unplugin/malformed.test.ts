import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { MALFORMED, MALFORMED_CASES } from './cases.js'
import { BUNDLERS, OUT_ROOT, bundle } from './hosts.js'
import { TYPESCRIPTS, tspc, type TypeScriptVersion } from './tspc.js'

describe.each(BUNDLERS)('%s', (bundler) => {
  test.each(MALFORMED_CASES)('$entry fails the build with file:line:col naming the bad text', async ({ entry, expect: parts }) => {
    const error = await bundle(bundler, join(MALFORMED, entry), join(OUT_ROOT, `malformed-${bundler}`)).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error, 'the build must fail').toBeDefined()
    const text = messageOf(error)
    for (const part of parts) expect(text).toContain(part)
  })
})

test.each(Object.keys(TYPESCRIPTS) as TypeScriptVersion[])(
  'tspc on TypeScript %s reports every malformed case as a compiler error at file:line:col',
  async (version) => {
    const result = await tspc(version, join(MALFORMED, 'tsconfig.json'), join(OUT_ROOT, `malformed-tspc-${version}`))
    expect(result.code).not.toBe(0)
    const errors = result.output.split('\n').filter((l) => l.includes(' - error TS9871: cacheme:'))
    expect(errors).toHaveLength(MALFORMED_CASES.length)
    for (const { expect: parts } of MALFORMED_CASES) {
      expect(
        errors.find((line) => parts.every((part) => line.includes(part))),
        `${parts[0]} in:\n${result.output}`,
      ).toBeDefined()
    }
  },
)

/** Everything a failed build said: esbuild's error list (each at its location), rollup's message, webpack's joined errors. */
function messageOf(error: unknown): string {
  type Located = { text?: string; message?: string; location?: { file: string; line: number; column: number } | null }
  const e = error as { message?: string; errors?: Located[] }
  const one = (x: Located) =>
    `${x.location ? `${x.location.file}:${x.location.line}:${x.location.column + 1}: ` : ''}${x.text ?? x.message ?? ''}`
  return [e.message ?? String(error), ...(e.errors ?? []).map(one)].join('\n')
}
