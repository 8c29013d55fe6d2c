import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface ChildOptions {
  /** Extra environment variables (added to the parent's environment). */
  env?: Record<string, string>
  /** Command-line arguments for the script. */
  args?: string[]
  /** Bound on the child becoming ready (its `serve()` call); default 15 s. */
  readyTimeoutMs?: number
}

export interface ChildEvent {
  type: string
  data: unknown
}

export interface Child {
  readonly pid: number
  /** Everything the child wrote to stderr so far. */
  readonly stderr: string
  /** Calls the child's handler `name` with `args`; rejects with the child's error. */
  request<R = unknown>(name: string, args?: unknown, timeoutMs?: number): Promise<R>
  /** The next (or an already received, not yet consumed) event of `type` sent with `emit()`. */
  waitFor(type: string, timeoutMs?: number): Promise<ChildEvent>
  /**
   * Asks the child to run its `exit` handler and disconnect, then waits for the process to end
   * on its own: a child that stays alive (an open connection or timer) fails this call.
   */
  exit(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Kills the child (default SIGKILL) and waits for it to end. */
  kill(signal?: NodeJS.Signals): Promise<void>
}

const DEFAULT_WAIT_MS = 15_000

/** Starts `script` (a path or file URL of an .mjs file using child-runtime.mjs) with an IPC channel. */
export async function startChild(script: string | URL, options: ChildOptions = {}): Promise<Child> {
  const path = script instanceof URL || script.startsWith('file:') ? fileURLToPath(script) : script
  const child = fork(path, options.args ?? [], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    // Structured clone over IPC: Map, Set, Date, BigInt and typed arrays arrive as themselves.
    serialization: 'advanced',
  })
  const handle = new ChildHandle(child, path)
  await handle.ready(options.readyTimeoutMs ?? DEFAULT_WAIT_MS)
  return handle
}

/** Starts `count` children of one script in parallel; if one fails, the others are killed. */
export async function startChildren(count: number, script: string | URL, options: ChildOptions = {}): Promise<Child[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => startChild(script, options)))
  const failed = settled.find((s) => s.status === 'rejected')
  if (failed) {
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.kill() : undefined)))
    throw failed.reason
  }
  return settled.map((s) => (s as PromiseFulfilledResult<Child>).value)
}

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

class ChildHandle implements Child {
  stderr = ''
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly events: ChildEvent[] = []
  private readonly eventWaiters: { type: string; resolve: (e: ChildEvent) => void }[] = []
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined
  private readyResolve: (() => void) | undefined

  constructor(
    private readonly child: ChildProcess,
    private readonly script: string,
  ) {
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8')
    })
    child.on('message', (message: any) => this.onMessage(message))
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': by then stderr is fully read, so errors carry all of it.
      child.once('close', (code, signal) => {
        this.exitInfo = { code, signal }
        const error = this.failure(`exited (code ${code}, signal ${signal})`)
        for (const p of this.pending.values()) p.reject(error)
        this.pending.clear()
        resolve(this.exitInfo)
      })
    })
  }

  get pid(): number {
    return this.child.pid!
  }

  private failure(what: string): Error {
    return new Error(`child ${this.script} (pid ${this.child.pid}) ${what}; stderr:\n${this.stderr || '(empty)'}`)
  }

  private onMessage(message: any): void {
    if (!message || typeof message !== 'object') return
    if (message.kind === 'ready') this.readyResolve?.()
    else if (message.kind === 'reply') {
      const pending = this.pending.get(message.id)
      if (!pending) return
      this.pending.delete(message.id)
      if (message.error) {
        const error = new Error(message.error.message)
        error.name = message.error.name
        error.stack = `${message.error.stack}\n    (in child ${this.script}, pid ${this.child.pid})`
        pending.reject(error)
      } else pending.resolve(message.result)
    } else if (message.kind === 'event') {
      const event = { type: message.type, data: message.data }
      const waiter = this.eventWaiters.findIndex((w) => w.type === event.type)
      if (waiter === -1) this.events.push(event)
      else this.eventWaiters.splice(waiter, 1)[0]!.resolve(event)
    }
  }

  ready(timeoutMs: number): Promise<void> {
    return this.bounded(
      new Promise<void>((resolve) => {
        this.readyResolve = resolve
      }),
      timeoutMs,
      'did not become ready',
    )
  }

  request<R>(name: string, args?: unknown, timeoutMs = DEFAULT_WAIT_MS): Promise<R> {
    if (this.exitInfo) return Promise.reject(this.failure(`has exited; cannot run '${name}'`))
    const id = this.nextId++
    const reply = new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
    })
    this.child.send({ kind: 'request', id, name, args })
    return this.bounded(reply, timeoutMs, `did not answer '${name}'`, () => this.pending.delete(id))
  }

  waitFor(type: string, timeoutMs = DEFAULT_WAIT_MS): Promise<ChildEvent> {
    const index = this.events.findIndex((e) => e.type === type)
    if (index !== -1) return Promise.resolve(this.events.splice(index, 1)[0]!)
    let waiter: { type: string; resolve: (e: ChildEvent) => void } | undefined
    const event = new Promise<ChildEvent>((resolve) => {
      waiter = { type, resolve }
      this.eventWaiters.push(waiter)
    })
    return this.bounded(event, timeoutMs, `sent no '${type}' event`, () => {
      const i = this.eventWaiters.indexOf(waiter!)
      if (i !== -1) this.eventWaiters.splice(i, 1)
    })
  }

  async exit(timeoutMs = DEFAULT_WAIT_MS): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exitInfo && this.child.connected) this.child.send({ kind: 'exit' })
    try {
      return await this.bounded(this.exited, timeoutMs, 'did not exit by itself (something keeps its event loop alive)')
    } catch (error) {
      await this.kill()
      throw error
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.exitInfo) this.child.kill(signal)
    await this.exited
  }

  /** `promise`, or a rejection naming `what` (with the child's stderr) after `timeoutMs`. */
  private bounded<T>(promise: Promise<T>, timeoutMs: number, what: string, onTimeout?: () => void): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout?.()
        reject(this.failure(`${what} within ${timeoutMs} ms`))
      }, timeoutMs)
    })
    // A child that dies fails the wait at once. (When `promise` is `exited` itself, it settles
    // a step before this derived promise and wins the race.)
    const early = this.exited.then(() => {
      throw this.failure(`exited (code ${this.exitInfo?.code}, signal ${this.exitInfo?.signal}) while the parent waited: it ${what}`)
    })
    return Promise.race([promise, timeout, early]).finally(() => clearTimeout(timer))
  }
}
