import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach } from 'vitest'
import { createClient, type Client, type ClientOptions } from 'cacheme'

/** How the conformance suite reaches one backend (memory, standalone Redis or Redis Cluster). */
export interface BackendUnderTest {
  readonly kind: 'memory' | 'redis' | 'cluster'
  /** Client options pointing at this backend (without prefix or logger). */
  options(): ClientOptions
  /** Every way of giving createClient/configure this backend, each with a label. */
  connectionForms(): ConnectionForm[]
  /**
   * Runs `write`, then asserts that `key` expires exactly `ttlMs` after it was written (0: never):
   * PTTL on Redis; on the memory backend by moving a fake clock to just before and to the expiry.
   */
  expectTtl(client: Client, key: string, ttlMs: number, write: () => Promise<void>): Promise<void>
  /** For backends behind a network: clients whose round trips are counted per node. */
  counting?: RoundTripCounting
  /** Where keys live: the node address of each key (cluster only). */
  nodeOf?(key: string): Promise<string>
  /** The PTTL of every store index key under `prefix` (Redis backends: SCAN on every master). */
  indexTtls?(prefix: string): Promise<number[]>
  /** The PTTL of every tag set under `prefix` (Redis backends: SCAN on every master). */
  tagSetTtls?(prefix: string): Promise<number[]>
  /** A server with `requirepass` (standalone only), for the password tests. */
  passwordProtected?(): Promise<{ url: string; password: string; stop(): Promise<void> }>
}

export interface ConnectionForm {
  label: string
  /** The options, and what to release after the client is closed (e.g. a user-owned instance). */
  make(): { options: ClientOptions | undefined; release?(): Promise<void> | void; owned: boolean; instance?: { status: string } }
}

export interface RoundTripCounting {
  start(): Promise<CountedBackend>
}

export interface CountedBackend {
  options: ClientOptions
  reset(): void
  /** Round trips per node address, only nodes that had any. */
  busyNodes(): Map<string, number>
  close(): Promise<void>
}

/** A prefix no other test uses, so tests sharing one Redis never see each other's keys. */
export function uniquePrefix(label = 't'): string {
  return `${label}-${randomUUID().slice(0, 8)}`
}

/** A client of the backend under test with a unique prefix; close it after the test. */
export function clientFor(backend: BackendUnderTest, extra: Omit<ClientOptions, 'redis' | 'cluster'> = {}): Client {
  return createClient({ ...backend.options(), prefix: uniquePrefix(), ...extra })
}

export interface LogLine {
  store: string
  key: string
  op: string
}

/** A logger that records every line. */
export function recordingLogger(): { lines: LogLine[]; log(store: string, key: string, op: string): void; ops(key?: string): string[] } {
  const lines: LogLine[] = []
  return {
    lines,
    log: (store, key, op) => {
      lines.push({ store, key, op })
    },
    ops: (key) => lines.filter((l) => key === undefined || l.key === key).map((l) => l.op),
  }
}

export type RecordingLogger = ReturnType<typeof recordingLogger>

/** Gives every test a fresh client (unique prefix, recording logger) and closes it afterwards. */
export function clientPerTest(backend: BackendUnderTest, assign: (client: Client, logger: RecordingLogger) => void): void {
  let current: Client | undefined
  beforeEach(() => {
    const logger = recordingLogger()
    current = clientFor(backend, { logger })
    assign(current, logger)
  })
  afterEach(() => current?.close())
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(error: unknown): void
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/**
 * A fetcher whose calls are counted and that can be held open: while `gate` is set, every call
 * waits for it, so concurrent callers overlap without any sleep.
 */
export function controlledFetcher<P extends object, T>(compute: (params: P) => T) {
  const calls: P[] = []
  let gate: Deferred<void> | undefined
  const started: Deferred<void>[] = []
  const fetcher = async (params: P): Promise<T> => {
    calls.push(params)
    started.shift()?.resolve()
    if (gate) await gate.promise
    return compute(params)
  }
  return {
    fetcher,
    calls,
    /** Holds every call until `release()`. */
    hold() {
      gate = deferred()
    },
    release() {
      gate?.resolve()
      gate = undefined
    },
    /** Resolves when the next call starts. */
    nextCall() {
      const d = deferred()
      started.push(d)
      return d.promise
    },
  }
}
