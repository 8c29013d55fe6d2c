import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { formatDiagnostic, transform, type TransformResult } from '@cacheme/transform'

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url))
const fixtures = readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.startsWith('conflict-'))

/** The emitted code, then the diagnostics, as one reviewable file. */
function snapshotOf(result: TransformResult | null): string {
  if (result === null) return '// transform() returned null: nothing to do\n'
  const diagnostics = result.diagnostics.map((d) => `// ${d.severity}: ${formatDiagnostic(d)}`).join('\n')
  return `${result.code}\n${diagnostics ? `\n${diagnostics}\n` : ''}`
}

test.each(fixtures)('%s', async (name) => {
  const result = transform(readFileSync(join(dir, name), 'utf8'), `fixtures/${name}`)
  await expect(snapshotOf(result)).toMatchFileSnapshot(`./snapshots/${name.replace(/\.ts$/, '.out.ts')}`)
})
