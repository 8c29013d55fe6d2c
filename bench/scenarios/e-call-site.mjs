import { mkdirSync, writeFileSync, existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { summarize } from '../support/stats.mjs'

const transformDist = new URL('../../packages/transform/dist/index.js', import.meta.url)
const dir = new URL('../.cache/e/', import.meta.url)
const CALLS = 100_000
const KEYS = 1_000

const fetcher = `const fetchItem = async ({ id }) => ({ id, title: 'item ' + id })`
const sources = {
  // The inline call site as users write it; the transform rewrites this very text.
  inline: (t) =>
    `import { cached } from 'cacheme'\n${fetcher}\nexport function getItem(id) {\n  return cached('${t}:item:<<id>>', fetchItem, '5m').get({ id })\n}\n`,
  handWritten: (t) =>
    `import { cached } from 'cacheme'\n${fetcher}\nconst items = cached('${t}:item:<<id>>', fetchItem, '5m')\nexport function getItem(id) {\n  return items.get({ id })\n}\n`,
}

/**
 * (e) the cost of one call site, in ns per `get()` of a cached value (sequential awaits on the
 * embedded memory backend, so the call site's own work is what differs): the inline
 * `cached(...).get()` untransformed, the same module run through `transform()`, and a
 * hand-written module-level store.
 */
export async function callSite({ rounds, log }) {
  if (!existsSync(transformDist)) return { pending: '@cacheme/transform is not built (packages/transform/dist missing)' }
  const { transform } = await import(transformDist.href)
  mkdirSync(dir, { recursive: true })
  const variants = {
    untransformed: sources.inline('e1'),
    transformed: null,
    'hand-written': sources.handWritten('e3'),
  }
  const input = sources.inline('e2')
  const out = transform(input, new URL('transformed.mjs', dir).pathname)
  if (!out || out.code === input) return { pending: 'transform() left the inline call site unchanged' }
  variants.transformed = out.code
  const modules = {}
  for (const [name, code] of Object.entries(variants)) {
    const file = new URL(`${name}.mjs`, dir)
    writeFileSync(file, code)
    modules[name] = await import(pathToFileURL(file.pathname).href)
  }
  const run = async (getItem) => {
    const start = process.hrtime.bigint()
    for (let i = 0; i < CALLS; i++) await getItem(i % KEYS)
    return Number(process.hrtime.bigint() - start) / CALLS
  }
  const ns = Object.fromEntries(Object.keys(modules).map((name) => [name, []]))
  for (const m of Object.values(modules)) {
    await run(m.getItem)
    await run(m.getItem)
  } // fill + warm
  const order = Object.entries(modules)
  for (let r = 0; r < rounds; r++) {
    // Each round starts from a collected heap and in a rotated order: the untransformed call
    // site allocates a store per call, and its garbage must not be collected in another's round.
    for (let i = 0; i < order.length; i++) {
      const [name, m] = order[(r + i) % order.length]
      globalThis.gc?.()
      ns[name].push(await run(m.getItem))
    }
  }
  log(
    `  e: ${Object.entries(ns)
      .map(([n, v]) => `${n} ${Math.round(summarize(v).median)} ns`)
      .join(', ')}`,
  )
  return {
    transformedCode: out.code,
    variants: Object.entries(ns).map(([variant, values]) => ({ variant, nsPerOp: summarize(values) })),
  }
}
