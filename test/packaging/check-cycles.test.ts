// scripts/check-cycles.mjs (`npm run check:cycles`) on fixture folders: what it counts as an
// import, how it resolves a specifier to a file, and what it prints and exits with.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
// @ts-expect-error: a plain .mjs script without declarations
import { findCycles, formatCycle, importGraph } from '../../scripts/check-cycles.mjs'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const FIXTURES = fileURLToPath(new URL('fixtures/cycles/', import.meta.url))
const ACYCLIC = join(FIXTURES, 'acyclic/src')
const CYCLIC = join(FIXTURES, 'cyclic/src')

function cli(...dirs: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'scripts/check-cycles.mjs'), ...dirs], { cwd: FIXTURES }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr })
    })
  })
}

const chains = (dir: string): string[] => findCycles(importGraph(dir)).map((cycle: unknown) => formatCycle(cycle, dir))

describe('check-cycles', () => {
  test('follows imports, export-from, folder index files and types, but not packages or .d.ts files: no cycle here', () => {
    const graph = importGraph(ACYCLIC) as Map<string, { to: string; type: boolean }[]>
    const edges = [...graph].flatMap(([from, list]) =>
      list.map(({ to, type }) => `${from.slice(ACYCLIC.length + 1)} → ${type ? '(type) ' : ''}${to.slice(ACYCLIC.length + 1)}`),
    )
    expect(edges.sort()).toEqual([
      'a.ts → b.ts',
      'a.ts → util/index.ts',
      'b.ts → c.ts',
      'util/helper.ts → (type) c.ts',
      'util/index.ts → util/helper.ts',
    ])
    expect(chains(ACYCLIC)).toEqual([])
  })

  test('reports each cycle once, from its first file: value, type-only (marked) and dynamic-import edges', () => {
    expect(chains(CYCLIC)).toEqual([
      'client.ts → pipeline.mts → (type) client.ts',
      'herd/holder.ts → store/fill.ts → herd/holder.ts',
      'late-a.ts → late-b.ts → late-a.ts',
    ])
  })

  test('the command prints every cycle under its folder and exits 1; 0 when there is none; 2 for a missing folder', async () => {
    expect(await cli('acyclic/src')).toEqual({ code: 0, stdout: 'acyclic/src: no import cycles\n', stderr: '' })
    const cyclic = await cli('acyclic/src', 'cyclic/src')
    expect(cyclic.code).toBe(1)
    expect(cyclic.stdout).toBe(
      [
        'acyclic/src: no import cycles',
        'cyclic/src: 3 import cycles',
        '  client.ts → pipeline.mts → (type) client.ts',
        '  herd/holder.ts → store/fill.ts → herd/holder.ts',
        '  late-a.ts → late-b.ts → late-a.ts',
        '',
      ].join('\n'),
    )
    const missing = await cli('no-such-folder')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('no-such-folder is not a folder')
  })
})
