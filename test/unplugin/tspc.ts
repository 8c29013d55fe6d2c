import { execFile } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TSPC = `${ROOT}node_modules/ts-patch/bin/tspc.js`

/** The TypeScript installs tspc runs on: the root `typescript` (5.9) and `typescript6` (6.0). */
export const TYPESCRIPTS = { '5.9': `${ROOT}node_modules/typescript`, '6.0': `${ROOT}node_modules/typescript6` }
export type TypeScriptVersion = keyof typeof TYPESCRIPTS

export interface TspcResult {
  code: number
  /** tsc's report (diagnostics as `file(line,col)` / `file:line:col`). */
  output: string
}

/**
 * Compiles a project with ts-patch's `tspc` (in-memory patch, no install step) on the given
 * TypeScript: ts-patch reads the compiler from TSP_COMPILER_TS_PATH instead of its own
 * `require('typescript')`, which would always find the root 5.9.
 */
export async function tspc(version: TypeScriptVersion, project: string, outDir: string): Promise<TspcResult> {
  await rm(outDir, { recursive: true, force: true })
  await mkdir(outDir, { recursive: true })
  await writeFile(`${outDir}/package.json`, '{ "type": "module" }\n')
  const result = await runTspc(version, ['-p', project, '--outDir', outDir, '--pretty', 'true'])
  // Pretty output is tsc's `file:line:col - error TS…` form; drop its colours.
  return { ...result, output: result.output.replace(/\x1b\[[0-9;]*m/g, '') }
}

/** Runs tspc with `args` on the given TypeScript. */
export function runTspc(version: TypeScriptVersion, args: string[]): Promise<TspcResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [TSPC, ...args],
      { env: { ...process.env, TSP_COMPILER_TS_PATH: TYPESCRIPTS[version] }, cwd: ROOT },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error)
        else resolve({ code: error ? (error.code as number) : 0, output: stdout + stderr })
      },
    )
  })
}
