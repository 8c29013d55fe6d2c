import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { isPort } from './port.js'

export interface AppProcess {
  /** `http://host:port/` the app listens on. */
  url: string
  /** Every line the app printed so far (banner, then one line per request). */
  lines: string[]
  /** Resolves with the first printed line (already printed or still to come) that matches. */
  waitForLine(match: RegExp): Promise<string>
  /** Resolves with the exit code when the app exits. */
  exited: Promise<number | null>
  /** SIGTERM, then resolves when the app has exited. */
  stop(): Promise<void>
}

export interface AppOptions {
  port: number
  host: string
  /** Extra environment (REDIS_URL, REDIS_CLUSTER, CACHEME_PREFIX). */
  env?: Record<string, string>
  /** Where to echo the app's output, e.g. process.stdout. */
  output?: NodeJS.WritableStream
}

const SERVER_JS = fileURLToPath(new URL('../../app/dist/server.js', import.meta.url))

/** Starts the built example app (app/dist/server.js) and resolves once it listens. */
export async function startApp(options: AppOptions): Promise<AppProcess> {
  const { port, host } = options
  if (!isPort(port)) throw new RangeError(`startApp: port must be 0..65535, got ${port}`)
  const child = spawn(process.execPath, ['--enable-source-maps', SERVER_JS], {
    env: { ...process.env, ...options.env, PORT: String(port), HOST: host },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = []
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
    options.output?.write(chunk)
  })
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line)
    options.output?.write(line + '\n')
    for (const waiter of [...waiters]) {
      if (!waiter.match.test(line)) continue
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve(line)
    }
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const waitForLine = (match: RegExp) => {
    const seen = lines.find((line) => match.test(line))
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise<string>((resolve, reject) => {
      waiters.push({ match, resolve })
      void exited.then((code) => reject(new Error(`the example app exited (code ${code}) before printing ${match}:\n${stderr}`)))
    })
  }
  const listening = await waitForLine(/^\s*listening\s+http:\/\//)
  return {
    url: listening.trim().split(/\s+/)[1]!,
    lines,
    waitForLine,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
