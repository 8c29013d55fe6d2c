// A generated project for the build benchmark: modules with three cached() call sites of
// different kinds and some ordinary code, or ordinary modules of the same size and shape,
// and an entry importing them all.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export function moduleSource(i) {
  return `import { cached } from 'cacheme'
import { helper } from './shared.js'

export async function fetchItem${i}({ id }) {
  return { id, module: ${i}, at: helper(id) }
}

const local${i} = (n) => n * ${i} + 1

export async function load${i}(id, version) {
  const a = await cached('item${i}:<<id>>', fetchItem${i}, '5m').get({ id })
  const b = await cached('item${i}:list:<<page>>:<<size>>', fetchItem${i}, { ttl: 60, name: 'List${i}' }).getMany([{ page: 1, size: 10 }, { page: 2, size: 10 }])
  const c = await cached('item${i}:v:<<id>>', async (p) => ({ ...p, local: local${i}(1) }), { version }).get({ id })
  return [a, b, c].map((value, index) => ({ value, index, label: \`m${i}-\${index}\` }))
}

export function summarize${i}(rows) {
  let total = 0
  for (const row of rows) {
    if (row && typeof row.index === 'number') total += row.index * ${i}
  }
  return { module: ${i}, total, names: rows.map((r) => r.label).join(',') }
}
`
}

/** The same module without cacheme: what most modules of a real project look like. */
export function plainModuleSource(i) {
  return moduleSource(i)
    .replace("import { cached } from 'cacheme'\n", "import { memo } from './shared.js'\n")
    .replaceAll(/\bcached\(/g, 'memo(')
}

/** `withCalls(i)`: whether module i has call sites (all of them, or every tenth). */
export async function generateProject(dir, modules, withCalls) {
  await rm(dir, { recursive: true, force: true })
  await mkdir(join(dir, 'src'), { recursive: true })
  await writeFile(
    join(dir, 'src/shared.js'),
    [
      'export const helper = (id) => `h:${id}`',
      'const memoized = (fetch) => ({ get: (p) => fetch(p), getMany: (ps) => Promise.all(ps.map(fetch)) })',
      'export const memo = (template, fetch) => memoized(fetch)',
      '',
    ].join('\n'),
  )
  const entry = []
  for (let i = 0; i < modules; i++) {
    await writeFile(join(dir, `src/m${i}.js`), withCalls(i) ? moduleSource(i) : plainModuleSource(i))
    entry.push(`export { load${i}, summarize${i} } from './m${i}.js'`)
  }
  await writeFile(join(dir, 'src/index.js'), entry.join('\n') + '\n')
  return join(dir, 'src/index.js')
}
