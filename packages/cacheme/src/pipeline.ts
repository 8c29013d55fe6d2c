import type { Client } from './client/client.js'
import { foundIn, readKeys, type Found } from './store/read-keys.js'

interface Queued {
  key: string
  settle: (found: Found) => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/**
 * Lookups queued by `store.getP()`, possibly of different stores, sent in one round trip per
 * node by `execute()`. Each queued promise settles with its own value or error.
 */
export class Pipeline {
  private readonly queued: Queued[] = []
  private executed = false

  constructor(readonly client: Client) {}

  /** @internal Used by `store.getP()`. */
  enqueue<T>(key: string, settle: (found: Found) => Promise<T>): Promise<T> {
    if (this.executed) {
      throw new Error(`cacheme: this pipeline has already been executed; create a new one with pipeline()`)
    }
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ key, settle, resolve: resolve as (value: unknown) => void, reject })
    })
  }

  get size(): number {
    return this.queued.length
  }

  /** Sends every queued lookup; resolves when every queued promise has settled. */
  async execute(): Promise<void> {
    if (this.executed) {
      throw new Error(`cacheme: this pipeline has already been executed; a pipeline runs once`)
    }
    this.executed = true
    const keys = [...new Set(this.queued.map((q) => q.key))]
    // Unavailable (undefined): every lookup falls back to its fetcher.
    const found = await readKeys(this.client, keys)
    await Promise.all(this.queued.map(async (q) => {
      try {
        q.resolve(await q.settle(foundIn(found, q.key)))
      } catch (error) {
        q.reject(error)
      }
    }))
  }
}
