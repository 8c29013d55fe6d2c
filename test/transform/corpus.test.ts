/**
 * The differential corpus: generated modules shaped like real code (differential/corpus.ts),
 * run untransformed and through every front end against the memory backend; keys, values,
 * fetch counts and errors must be the same, module by module.
 */
import { expect, test } from 'vitest'
import { generateCorpus } from './differential/corpus.js'
import { execute, type Observed } from './differential/execute.js'
import { build, FRONT_ENDS, type FrontEnd } from './differential/front-ends.js'

const MODULES = Number(process.env.CORPUS_MODULES ?? 2000)
const corpus = generateCorpus({ modules: MODULES })
/**
 * Which modules each front end builds. TypeScript's emit is the slow part (about 10 ms a module
 * on a quiet core, against 1-2 ms for oxc and esbuild), so each TypeScript takes a quarter of
 * the corpus: every module goes through oxc, half of them through one tsc as well.
 */
/** About 25 s of CPU on its own; on a machine shared with other builds it takes longer. */
const TIMEOUT = 240_000
const SHARE: Record<FrontEnd, (i: number) => boolean> = { source: () => true, oxc: () => true, 'tsc-5.9': (i) => i % 4 === 0, 'tsc-6.0': (i) => i % 4 === 1 }

test(`${MODULES} generated modules behave the same untransformed, through oxc (all) and through tsc 5.9 and 6.0 (a quarter each)`, async () => {
  const runs = await Promise.all(FRONT_ENDS.map(async (frontEnd) => {
    let t = performance.now()
    const built = build(frontEnd, corpus.filter((_, i) => SHARE[frontEnd](i)))
    const buildMs = performance.now() - t
    t = performance.now()
    const observed = await execute(`corpus-${frontEnd}`, built.code)
    if (process.env.CORPUS_TIMES) console.log(frontEnd, 'build', Math.round(buildMs), 'run', Math.round(performance.now() - t))
    return { frontEnd, built, observed }
  }))
  const source = runs[0]!.observed
  // Not vacuous: the source runs to the end, and the call sites are really rewritten.
  expect(Object.values(source).filter((o) => o.outcome !== 'ok')).toEqual([])
  expect(Object.values(source).reduce((n, o) => n + o.log.length, 0)).toBeGreaterThan(MODULES * 5)
  for (const { frontEnd, built, observed } of runs.slice(1)) {
    expect([...built.errors], frontEnd).toEqual([])
    const rewritten = [...built.code.values()].filter((code) => code.includes('__cacheme')).length
    expect(rewritten, frontEnd).toBe(built.code.size)
    expect(built.code.size, frontEnd).toBe(corpus.filter((_, i) => SHARE[frontEnd](i)).length)
    const differing = corpus.filter((m) => built.code.has(m.name) && !same(observed[m.name], source[m.name]))
    expect(differing.slice(0, 3).map((m) => ({ module: m.name, source: m.code, [frontEnd]: built.code.get(m.name), expected: source[m.name], got: observed[m.name] })), frontEnd).toEqual([])
  }
}, TIMEOUT)

function same(a: Observed | undefined, b: Observed | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
