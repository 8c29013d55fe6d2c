// When retrying in the request is not enough (the process may die before the cache is back):
// the transactional outbox. The write and "invalidate this key" commit together in the
// database; a relay invalidates and deletes the row only once the invalidate resolved. A crash
// anywhere leaves the row, and the next pass (of any process) does it again.
import type { BooksDb } from '../../books-db.js'

/** The stores the relay may invalidate, by the name written in the outbox row. */
export type Stores = Record<string, { invalidate(params: never): Promise<void> }>

export interface DrainResult {
  done: number
  /** Rows left for the next pass, with why. */
  failed: { seq: number; error: Error }[]
}

/** One pass over the outbox: invalidates each row's key, deleting the rows that succeeded. */
export async function drainOutbox(db: BooksDb, stores: Stores): Promise<DrainResult> {
  const result: DrainResult = { done: 0, failed: [] }
  for (const row of await db.outboxRows()) {
    const store = stores[row.store]
    try {
      if (!store) throw new Error(`outbox row ${row.seq} names store '${row.store}', which the relay does not know`)
      await store.invalidate(row.params as never)
      await db.deleteOutboxRow(row.seq)
      result.done++
    } catch (error) {
      result.failed.push({ seq: row.seq, error: error as Error })
    }
  }
  return result
}

/** Drains the outbox every `everyMs` until stopped; the timer doesn't keep the process alive. */
export function startRelay(db: BooksDb, stores: Stores, everyMs: number, onPass?: (result: DrainResult) => void): { stop(): void } {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const pass = async () => {
    const result = await drainOutbox(db, stores)
    onPass?.(result)
    if (!stopped) timer = setTimeout(pass, everyMs).unref()
  }
  timer = setTimeout(pass, 0).unref()
  return {
    stop: () => {
      stopped = true
      clearTimeout(timer)
    },
  }
}
