// Runs the modules of one directory, each against a fresh memory backend (the default client),
// and prints what each observed as JSON: `node runner.mjs <dir> <names.json>`.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { configure } from 'cacheme'

const [dir, namesFile] = process.argv.slice(2)
const names = JSON.parse(readFileSync(namesFile, 'utf8'))
const probe = await import(pathToFileURL(`${dir}/probe.js`).href)
const out = {}
for (const name of names) {
  configure({ prefix: 'diff' })
  probe.reset()
  let outcome = 'ok'
  try {
    const module = await import(pathToFileURL(`${dir}/${name}`).href)
    if (typeof module.run === 'function') await module.run()
    await Promise.all(probe.pending)
  } catch (error) {
    outcome = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  }
  out[name] = { outcome, fetches: probe.fetchCount(), log: JSON.parse(JSON.stringify(probe.log)) }
}
await configure({}).close()
// Exit once the report is out, whatever timers a module left.
process.stdout.write(JSON.stringify(out), () => process.exit(0))
