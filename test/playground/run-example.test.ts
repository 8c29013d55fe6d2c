import { describe, expect, it } from 'vitest'
import { runExample } from '../../playground/dist/server/run-example.js'

const commentExample = `import { cached } from 'cacheme'
const fetchComment = async ({ id }: { id: string }) => ({ id })
const get = (id: string) => cached('comment:<<id>>', fetchComment, '5m').get({ id })
console.log(await get('1'), await get('1'))
`

describe("runExample (the page's Run)", () => {
  it('runs the transformed example on a fresh memory client: logger lines, keys and console', async () => {
    const result = await runExample(commentExample)
    expect(result).toMatchObject({ status: 'ok', diagnostics: [], keys: [{ key: 'cacheme:comment:1:v1', cached: true }] })
    expect(result.logs.map((l) => `${l.op} ${l.store} ${l.key}`)).toEqual([
      'MISS comment:<<id>> comment:1:v1',
      'FETCH comment:<<id>> comment:1:v1',
      'HIT comment:<<id>> comment:1:v1',
    ])
    expect(result.console).toEqual([{ level: 'log', text: "{ id: '1' } { id: '1' }" }])
  })

  it('starts every run from an empty cache', async () => {
    await runExample(commentExample)
    expect((await runExample(commentExample)).logs[0]!.op).toBe('MISS')
  })

  it('runs nothing when the compiler reports an error, and says where', async () => {
    const result = await runExample(`import { cached } from 'cacheme'\nexport const s = cached('a:<<>>', () => 1)\n`)
    expect(result.status).toBe('rejected')
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'error', line: 2, column: expect.any(Number) })])
    expect(result.logs).toEqual([])
  })

  it('allows only cacheme and node built-ins to be imported', async () => {
    const result = await runExample(
      `import { join } from 'node:path'\nimport express from 'express'\nconsole.log(join('a', 'b'), express)\n`,
    )
    expect(result.status).toBe('rejected')
    expect(result.diagnostics[0]!.message).toContain("not 'express'")
  })

  it('reports what the example threw', async () => {
    const result = await runExample(`throw new Error('boom')\n`)
    expect(result.status).toBe('failed')
    expect(result.error).toMatch(/^Error: boom/)
  })

  it('stops an example that never ends', async () => {
    const result = await runExample(`while (true) {}\n`, { timeoutMs: 500 })
    expect(result).toMatchObject({ status: 'timeout', error: 'stopped after 500 ms' })
  })

  it('rejects a bad time limit, naming it', async () => {
    await expect(runExample('', { timeoutMs: -1 })).rejects.toThrow('timeoutMs must be a positive number, got -1')
  })
})
