import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.js'

export interface RedisServerOptions {
  /** Sets `requirepass`; clients then need the password (URL `redis://:PASSWORD@host:port`). */
  password?: string
  /** Starts the node with `--cluster-enabled yes` (its bus port, port + 10000, must be free too). */
  cluster?: boolean
  /** `--cluster-node-timeout` of a cluster node (ms): how soon a silent master is failed over. Default 3000. */
  clusterNodeTimeoutMs?: number
  /** More `redis-server` arguments, e.g. `['--maxmemory', '10mb']`. */
  args?: string[]
  /** Bound on waiting for "Ready to accept connections"; default 20 s. */
  startTimeoutMs?: number
}

export interface RedisServer {
  readonly host: '127.0.0.1'
  readonly port: number
  /** `redis://127.0.0.1:PORT` (with the password when one is set). */
  readonly url: string
  /** The running process's id; undefined while stopped. */
  readonly pid: number | undefined
  /** The server's working directory (removed by `stop()`). */
  readonly dir: string
  /** Whether the process is running (it may be paused). */
  readonly running: boolean
  /** SIGTERM (no save: `--save ''`), then waits for the exit; SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>
  /** Sends `signal` (default SIGKILL) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** SIGSTOP: the port stays open but nothing answers (a hung server). */
  pause(): void
  /** SIGCONT after `pause()`. */
  resume(): void
  /** Stops the server if it runs, then starts it again on the same port and directory. */
  restart(): Promise<void>
}

const READY = 'Ready to accept connections'
const KEEP_OUTPUT_CHARS = 4000

let binaryChecked = false

// Servers die with the process that started them, even when it exits without stopping them
// (a failed hook, process.exit): no orphaned redis-server after a test run.
const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

function checkBinary(): void {
  if (binaryChecked) return
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) {
    throw new Error("redis-server not found on PATH; install Debian's redis-server package (apt-get install redis-server)")
  }
  binaryChecked = true
}

/** Starts a real `redis-server` on a free port of 127.0.0.1 with no persistence. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  checkBinary()
  const dir = mkdtempSync(join(tmpdir(), 'cacheme-redis-'))
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(options.cluster ? [10_000] : [])
    try {
      const server = new RedisServerProcess(port, dir, options)
      await server.start()
      return server
    } catch (error) {
      // Another process took the port between our probe and redis' bind: pick another.
      if (attempt < 5 && error instanceof PortTakenError) continue
      rmSync(dir, { recursive: true, force: true })
      throw error
    }
  }
}

class PortTakenError extends Error {}

class RedisServerProcess implements RedisServer {
  readonly host = '127.0.0.1' as const
  readonly url: string
  private child: ChildProcess | undefined
  private exited: Promise<void> = Promise.resolve()
  private output = ''
  private removed = false

  constructor(
    readonly port: number,
    readonly dir: string,
    private readonly options: RedisServerOptions,
  ) {
    const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`
    this.url = `redis://${auth}127.0.0.1:${port}`
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  get running(): boolean {
    return this.child !== undefined
  }

  private args(): string[] {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.dir,
      '--daemonize',
      'no',
      '--logfile',
      '',
      '--protected-mode',
      'no',
    ]
    if (this.options.password !== undefined) args.push('--requirepass', this.options.password)
    if (this.options.cluster) {
      args.push(
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        String(this.options.clusterNodeTimeoutMs ?? 3000),
      )
    }
    return args.concat(this.options.args ?? [])
  }

  async start(): Promise<void> {
    if (this.removed) throw new Error(`harness: redis-server on port ${this.port} was stopped for good; start a new one`)
    this.output = ''
    const child = spawn('redis-server', this.args(), { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    live.add(child)
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        live.delete(child)
        if (this.child === child) this.child = undefined
        resolve()
      }),
    )
    const timeoutMs = this.options.startTimeoutMs ?? 20_000
    await new Promise<void>((resolve, reject) => {
      let seen = ''
      const timer = setTimeout(() => {
        done()
        child.kill('SIGKILL')
        reject(new Error(`harness: redis-server on port ${this.port} not ready after ${timeoutMs} ms; output:\n${this.output}`))
      }, timeoutMs)
      const onData = (chunk: Buffer) => {
        const text = chunk.toString('utf8')
        this.record(text)
        seen = (seen + text).slice(-200)
        if (seen.includes(READY)) {
          done()
          resolve()
        }
      }
      const onExit = (code: number | null, signal: string | null) => {
        done()
        const message = `harness: redis-server on port ${this.port} exited before it was ready (code ${code}, signal ${signal}); output:\n${this.output}`
        reject(/Address already in use/i.test(this.output) ? new PortTakenError(message) : new Error(message))
      }
      const onError = (error: Error) => {
        done()
        reject(new Error(`harness: could not spawn redis-server: ${error.message}`))
      }
      const done = () => {
        clearTimeout(timer)
        child.stdout!.off('data', onData)
        child.stderr!.off('data', onData)
        child.off('exit', onExit)
        child.off('error', onError)
        // Keep recording output (for later errors) and keep the pipes drained.
        child.stdout!.on('data', (c: Buffer) => this.record(c.toString('utf8')))
        child.stderr!.on('data', (c: Buffer) => this.record(c.toString('utf8')))
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', onData)
      child.once('exit', onExit)
      child.once('error', onError)
    })
  }

  private record(text: string): void {
    this.output = (this.output + text).slice(-KEEP_OUTPUT_CHARS)
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child
    if (!child) return
    child.kill('SIGCONT') // a paused process can't act on SIGTERM
    child.kill(signal)
    const exited = this.exited
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }

  pause(): void {
    if (!this.child) throw new Error(`harness: redis-server on port ${this.port} is not running`)
    this.child.kill('SIGSTOP')
  }

  resume(): void {
    this.child?.kill('SIGCONT')
  }

  async restart(): Promise<void> {
    await this.kill('SIGTERM')
    // The old process has exited, so its sockets are closed, and redis-server binds with
    // SO_REUSEADDR: the port is free again at once (no wait, no retry).
    await this.start()
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM')
    if (!this.removed) {
      this.removed = true
      rmSync(this.dir, { recursive: true, force: true })
    }
  }
}
