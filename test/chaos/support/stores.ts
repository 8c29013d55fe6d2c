// Stores for the fault tests: one whose fetcher counts its calls per id and returns { id, n }
// (n: that id's fetch count), a key held by another client's fill in flight, a logger that keeps
// every line, and `timed`, which measures a call against the contract's bounds.
import { randomUUID } from 'node:crypto'
import { cached, type Client } from 'cacheme'

export interface CountingStore {
  store: ReturnType<typeof makeStore>
  /** Fetcher calls per id since the start (or the last `resetFetches()`). */
  fetches: Map<number, number>
  totalFetches(): number
  resetFetches(): void
}

function makeStore(client: Client, fetches: Map<number, number>, options: Record<string, unknown>) {
  return cached(
    'chaos:<<id>>',
    ({ id }: { id: number }) => {
      const n = (fetches.get(id) ?? 0) + 1
      fetches.set(id, n)
      return { id, n }
    },
    { ttl: 3600, client, name: `chaos-${randomUUID().slice(0, 8)}`, ...options },
  )
}

export function countingStore(client: Client, options: Record<string, unknown> = {}): CountingStore {
  const fetches = new Map<number, number>()
  return {
    store: makeStore(client, fetches, options),
    fetches,
    totalFetches: () => [...fetches.values()].reduce((a, b) => a + b, 0),
    resetFetches: () => fetches.clear(),
  }
}

/** Runs `work` and returns its result and duration; a call that overruns `boundMs` fails with a
 * clear message instead of hanging the test (the contract's bounds are what is under test). */
export async function timed<T>(what: string, boundMs: number, work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${boundMs} ms`)), boundMs)
  })
  try {
    const value = await Promise.race([work(), overrun])
    return { value, ms: performance.now() - started }
  } finally {
    clearTimeout(timer)
  }
}

/** A logger that keeps every call, with the contract's 4th `detail` argument. */
export function recordingLogger() {
  const lines: { store: string; key: string; op: string; detail: unknown }[] = []
  const waiters: { ops: string[]; resolve: () => void }[] = []
  return {
    lines,
    logger: {
      log(store: string, key: string, op: string, detail?: unknown) {
        lines.push({ store, key, op, detail })
        for (const w of waiters.splice(0))
          if (w.ops.includes(op)) w.resolve()
          else waiters.push(w)
      },
    },
    /** Resolves when one of `ops` is logged (or already was). */
    seen(ops: string[]): Promise<void> {
      if (lines.some((l) => ops.includes(l.op))) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ ops, resolve }))
    },
    errors: () => lines.filter((l) => l.op === 'ERROR'),
    /** Every ERROR line's detail.error message (empty string where there is none). */
    errorMessages: () =>
      lines.filter((l) => l.op === 'ERROR').map((l) => String((l.detail as { error?: Error } | undefined)?.error?.message ?? '')),
  }
}

export interface HeldKey {
  /** The holder's store and the waiters' (same template, name and lock; different clients). */
  holderStore: ReturnType<typeof heldStore>
  waiterStore: (client: Client) => ReturnType<typeof heldStore>
  /** Resolves once the holder's fetch runs (it holds the lock from then on). */
  fetching: Promise<void>
  /** The holder's get; settles after `release()`. */
  holding: Promise<{ id: number; by: string }>
  release(): void
}

function heldStore(
  client: Client,
  name: string,
  lock: object,
  fetcher: (id: number) => Promise<{ id: number; by: string }> | { id: number; by: string },
) {
  return cached('held:<<id>>', ({ id }: { id: number }) => fetcher(id), { ttl: 3600, client, name, lock })
}

/**
 * Another process's fill in flight: `holderClient` starts a get of `id` whose fetch blocks until
 * `release()`, so it holds the key's lock (extended while it runs). Waiters use `waiterStore(c)`.
 */
export function holdKey(holderClient: Client, id: number, lock: { ttl: string; wait: string }): HeldKey {
  const name = `held-${randomUUID().slice(0, 8)}`
  let release!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let started!: () => void
  const fetching = new Promise<void>((resolve) => {
    started = resolve
  })
  const holderStore = heldStore(holderClient, name, lock, async (i) => {
    started()
    await gate
    return { id: i, by: 'holder' }
  })
  return {
    holderStore,
    waiterStore: (client) => heldStore(client, name, lock, (i) => ({ id: i, by: 'waiter' })),
    fetching,
    holding: holderStore.get({ id }),
    release,
  }
}
