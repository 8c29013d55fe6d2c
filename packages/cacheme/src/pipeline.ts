/** The client a pipeline belongs to, as far as a pipeline needs to know it (no import of client.ts: no cycle). */
export interface PipelineClient {
  /** Where the client points, without secrets. */
  readonly description: string
}

interface Queued {
  run: () => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/**
 * Lookups queued by `store.getP()`, possibly of different stores, sent in one round trip per
 * node by `execute()`. Each queued promise settles with its own value or error.
 *
 * Every queued promise settles at the end of `execute()`, just before it resolves, never
 * earlier: the README's `await p.execute(); await Promise.all([a, b])` attaches its handlers in
 * the same turn, so one key's failure is not an unhandled rejection while the others are still
 * loading. A rejection nobody ever attaches to is still reported, as Node reports any.
 */
export class Pipeline {
  /** The client that made it (`client.pipeline()`); only that client's stores may queue on it. */
  readonly client: PipelineClient
  readonly #queued: Queued[] = []
  #executed = false

  constructor(client: PipelineClient) {
    this.client = client
  }

  /** @internal Used by `store.getP()`: `run` starts the lookup when the pipeline executes. */
  enqueue<T>(run: () => Promise<T>): Promise<T> {
    if (this.#executed) {
      throw new Error(`cacheme: this pipeline has already been executed; create a new one with pipeline()`)
    }
    return new Promise<T>((resolve, reject) => {
      this.#queued.push({ run, resolve: resolve as (value: unknown) => void, reject })
    })
  }

  get size(): number {
    return this.#queued.length
  }

  /** Sends every queued lookup; resolves when every queued promise has settled. */
  async execute(): Promise<void> {
    if (this.#executed) {
      throw new Error(`cacheme: this pipeline has already been executed; a pipeline runs once`)
    }
    this.#executed = true
    // Started in one synchronous loop: every lookup goes into the same batch.
    const outcomes = await Promise.allSettled(this.#queued.map((q) => q.run()))
    outcomes.forEach((outcome, i) => {
      const q = this.#queued[i]!
      if (outcome.status === 'fulfilled') q.resolve(outcome.value)
      else q.reject(outcome.reason)
    })
  }
}
