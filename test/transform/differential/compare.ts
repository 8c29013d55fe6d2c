import { expect, test } from 'vitest'
import { CORPUS_SIZE, CORPUS_TIMEOUT, generateCorpus } from './corpus.js'
import { execute, type Observed } from './execute.js'
import { build, type FrontEnd, type SourceModule } from './front-ends.js'

/**
 * Builds `modules` untransformed and through `frontEnd`, runs both (each in its own child
 * process, at once), and expects every module to observe the same: keys, values, fetches and
 * errors. `run` names the output directories (runs of different tests must not share them).
 */
export async function expectLikeSource(
  frontEnd: Exclude<FrontEnd, 'source'>,
  modules: readonly SourceModule[],
  run: string,
): Promise<Record<string, Observed>> {
  const source = build('source', modules)
  const sourceRun = execute(`${run}-source`, source.code)
  const built = build(frontEnd, modules)
  expect([...built.errors], frontEnd).toEqual([])
  // Not vacuous: every module is really rewritten, and the source runs to the end.
  expect([...built.code.values()].filter((code) => !code.includes('__cacheme')).length, `${frontEnd}: modules left as they were`).toBe(0)
  expect(built.code.size).toBe(modules.length)
  const [expected, observed] = await Promise.all([sourceRun, execute(`${run}-${frontEnd}`, built.code)])
  expect(Object.entries(expected).filter(([, o]) => o.outcome !== 'ok')).toEqual([])
  const differing = modules.filter((m) => JSON.stringify(observed[m.name]) !== JSON.stringify(expected[m.name]))
  expect(
    differing.slice(0, 3).map((m) => ({
      module: m.name,
      source: m.code,
      [frontEnd]: built.code.get(m.name),
      expected: expected[m.name],
      got: observed[m.name],
    })),
    frontEnd,
  ).toEqual([])
  return expected
}

/**
 * The corpus test of one front end over the modules `pick` chooses (by index): one file per
 * front end, so that they run in parallel.
 */
export function corpusTest(frontEnd: Exclude<FrontEnd, 'source'>, pick: (index: number) => boolean): void {
  const modules = generateCorpus({ modules: CORPUS_SIZE }).filter((_, i) => pick(i))
  test(
    `${modules.length} generated modules run through ${frontEnd} like the source: same keys, values, fetches and errors`,
    async () => {
      const observed = await expectLikeSource(frontEnd, modules, `corpus-${frontEnd}`)
      expect(Object.values(observed).reduce((n, o) => n + o.log.length, 0)).toBeGreaterThan(modules.length * 5)
    },
    CORPUS_TIMEOUT,
  )
}
