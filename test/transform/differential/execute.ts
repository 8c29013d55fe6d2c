import { execFile } from 'node:child_process'
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

/** Where runs are written: inside the repository, so `import 'cacheme'` resolves. */
const OUT_ROOT = fileURLToPath(new URL('../../../node_modules/.cache/cacheme-differential/', import.meta.url))
const HERE = fileURLToPath(new URL('./', import.meta.url))

export interface Observed {
  /** 'ok', or the error that stopped the module (at import or in its run()). */
  outcome: string
  fetches: number
  log: unknown[]
}

/**
 * Runs built modules in a child Node process (the runtime as users get it, not vitest's copy),
 * each module on a fresh memory backend; resolves to what each observed.
 */
export async function execute(label: string, modules: ReadonlyMap<string, string>): Promise<Record<string, Observed>> {
  const dir = `${OUT_ROOT}${label}`
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  await writeFile(`${dir}/package.json`, '{ "type": "module" }\n')
  await copyFile(`${HERE}probe.mjs`, `${dir}/probe.js`)
  const names: string[] = []
  for (const [name, code] of modules) {
    const file = name.replace(/\.[jt]sx?$/, '.js')
    names.push(file)
    await writeFile(`${dir}/${file}`, code)
  }
  await writeFile(`${dir}/names.json`, JSON.stringify(names))
  const { stdout } = await promisify(execFile)(process.execPath, [`${HERE}runner.mjs`, dir, `${dir}/names.json`], { maxBuffer: 1 << 30 })
  const byFile = JSON.parse(stdout) as Record<string, Observed>
  const out: Record<string, Observed> = {}
  for (const name of modules.keys()) out[name] = byFile[name.replace(/\.[jt]sx?$/, '.js')]!
  return out
}
