import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { expect, test } from 'vitest'
import { cached } from 'cacheme'
import { transform } from '@cacheme/transform'

const TEMPLATES = ['comment:<<id>>', 'category:<<categoryID>>:book:<<bookID>>', '<<a>><<b>>', 'config', "it's\\<<x>>", '<<only>>']
const PARAMS: unknown[] = [
  { id: 1, categoryID: 2, bookID: 'x', a: 'a b', b: 'ü', x: '~', only: -1.5 },
  { id: 'a:b', categoryID: '*', bookID: '', a: '', b: 0, x: 'x', only: 'v1' },
  {},
  { id: null, categoryID: NaN, bookID: {}, a: 1, b: 2, x: 3, only: Infinity },
  undefined,
  null,
  '1',
  7,
]

function outcome(fn: () => string): string {
  try {
    return fn()
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`
  }
}

test('compiled key builders give the same keys and the same errors as the runtime', async () => {
  const source = [
    "import { cached } from 'cacheme'",
    'const fetch = () => 1',
    ...TEMPLATES.map((t, i) => `export const s${i} = cached(${JSON.stringify(t)}, fetch, { version: ${i} })`),
  ].join('\n')
  const result = transform(source, 'keys.ts')!
  expect(result.diagnostics).toEqual([])
  expect(result.code).not.toContain('= cached(')
  const dir = fileURLToPath(new URL('../../node_modules/.cache/cacheme-transform-tests/', import.meta.url))
  await mkdir(dir, { recursive: true })
  await writeFile(`${dir}keys.mjs`, result.code)
  const compiled = await import(pathToFileURL(`${dir}keys.mjs`).href)
  TEMPLATES.forEach((template, i) => {
    const runtime = cached(template, () => 1, { version: i })
    for (const params of PARAMS) {
      expect(
        outcome(() => compiled[`s${i}`].key(params)),
        `${template} with ${JSON.stringify(params)}`,
      ).toBe(outcome(() => runtime.key(params as never)))
    }
  })
})
