import { Worker } from 'node:worker_threads'
import { compileExample } from './compile-example.js'
import type { RunResult } from './api-types.js'
import type { SandboxInput, SandboxMessage } from './sandbox-protocol.js'

export interface RunOptions {
  /** The example is stopped after this long; default 5 s. */
  timeoutMs?: number
}

/**
 * Compiles an example with the real transform and runs it in a fresh worker thread against a
 * fresh embedded memory client: nothing leaks between runs, and a runaway example is terminated.
 */
export async function runExample(source: string, options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 5000
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new RangeError(`runExample: timeoutMs must be a positive number, got ${timeoutMs}`)
  const compiled = await compileExample(source)
  if (!compiled.ok) return { status: 'rejected', diagnostics: compiled.diagnostics, logs: [], console: [], keys: [], durationMs: 0 }

  const input: SandboxInput = { js: compiled.js, cachemeUrl: import.meta.resolve('cacheme') }
  const started = performance.now()
  const result: RunResult = { status: 'ok', diagnostics: compiled.diagnostics, logs: [], console: [], keys: [], durationMs: 0 }
  const worker = new Worker(new URL('./sandbox-worker.js', import.meta.url), {
    workerData: input,
    resourceLimits: { maxOldGenerationSizeMb: 128 },
    stdout: true,
    stderr: true,
  })
  await new Promise<void>((resolve) => {
    let settled = false
    const finish = (status: RunResult['status'], error?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      result.status = status
      if (error !== undefined) result.error = error
      resolve()
    }
    const timer = setTimeout(() => finish('timeout', `stopped after ${timeoutMs} ms`), timeoutMs)
    worker.on('message', (message: SandboxMessage) => {
      if (message.type === 'log') result.logs.push(message.line)
      else if (message.type === 'console') result.console.push(message.line)
      else {
        result.keys = message.keys
        if (message.type === 'done') finish('ok')
        else finish('failed', message.error)
      }
    })
    worker.on('error', (error) => finish('failed', error.stack ?? error.message))
    worker.on('exit', (code) => finish('failed', `the example ended the worker (exit code ${code}) before it finished`))
  })
  // Whatever the example left running (timers, intervals) ends with its worker.
  await worker.terminate()
  result.durationMs = Math.round(performance.now() - started)
  return result
}
