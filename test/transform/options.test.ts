import { expect, test } from 'vitest'
import { formatDiagnostic, transform } from '@cacheme/transform'

const HEAD = "import { cached } from 'cacheme'\nimport { fetchPost, loadMany } from './db.js'\n"
const run = (line: string) => transform(`${HEAD}${line}\n`, 'm.ts')!
const errorsOf = (line: string) => run(line).diagnostics.map(formatDiagnostic)

test('wave 2 store options given as literals go with the hoisted store, like lock and codec', () => {
  const options =
    "{ ttl: '5m', local: { ttl: '10s' }, staleWhileRevalidate: '1m', staleIfError: 30, fetchTimeout: { soft: '200ms', hard: '2s' }, earlyRefresh: { beta: 1.5 }, tags: ['post:<<id>>', 'posts'], fetchMany: async (ps) => loadMany(ps) }"
  const { code, diagnostics } = run(
    `export async function page(id: string) { return cached('post:<<id>>', fetchPost, ${options}).get({ id }) }`,
  )
  expect(diagnostics).toEqual([])
  expect(code).toContain('return __cacheme_post_id.get({ id })')
  expect(code).toContain(
    "(p) => fetchPost(p), { local: { ttl: '10s' }, staleWhileRevalidate: '1m', staleIfError: 30, fetchTimeout: { soft: '200ms', hard: '2s' }, earlyRefresh: { beta: 1.5 }, tags: ['post:<<id>>', 'posts'], fetchMany: async (ps) => loadMany(ps) })",
  )
  for (const literal of ['local: false', 'earlyRefresh: true', "fetchTimeout: '1s'"]) {
    expect(run(`export const s = (id: string) => cached('p:<<id>>', fetchPost, { ${literal} }).get({ id })`).code).toContain(
      `(p) => fetchPost(p), { ${literal} })`,
    )
  }
})

test('what reads a local stays at the call site: a fetchMany or tags function closing over a parameter', () => {
  const { code } = run(
    "export const s = (t: string) => cached('p:<<id>>', fetchPost, { ttl: 60, fetchMany: (ps) => loadMany(ps, t), tags: () => [t] })",
  )
  expect(code).toContain('.with(fetchPost, { fetchMany: (ps) => loadMany(ps, t), tags: () => [t] })')
})

test('a malformed duration in any duration option fails the build at its position', () => {
  expect(errorsOf("cached('p:<<id>>', fetchPost, { staleWhileRevalidate: '1 minute' })")).toEqual([
    expect.stringMatching(/^m\.ts:3:55: cacheme: staleWhileRevalidate of 'p:<<id>>' "1 minute" is not a duration/),
  ])
  expect(errorsOf("cached('p:<<id>>', fetchPost, { fetchTimeout: { hard: '2 s' } })")[0]).toMatch(
    /^m\.ts:3:55: cacheme: fetchTimeout\.hard of 'p:<<id>>' "2 s" is not a duration/,
  )
  expect(errorsOf("cached('p:<<id>>', fetchPost, { local: { ttl: 'soon' } })")[0]).toMatch(
    /^m\.ts:3:47: cacheme: local\.ttl of 'p:<<id>>' "soon" is not a duration/,
  )
})

test("a static tag's placeholder that isn't the template's fails the build at the placeholder, with the nearest one", () => {
  expect(errorsOf("cached('post:<<authorID>>:<<id>>', fetchPost, { tags: ['author:<<authorId>>', 'x'] })")).toEqual([
    "m.ts:3:64: cacheme: tag 'author:<<authorId>>' of 'post:<<authorID>>:<<id>>' has placeholder '<<authorId>>', which is not one of the template's; did you mean '<<authorID>>'?",
  ])
  expect(errorsOf("cached('post:<<id>>', fetchPost, { tags: ['a:<<id'] })")).toEqual([
    "m.ts:3:46: cacheme: in a tag of 'post:<<id>>': template 'a:<<id' has an unclosed '<<' at offset 2; expected '<<name>>'",
  ])
})
