// A book rename, three ways to keep the cache right when the invalidate after the committed
// database write rejects (CacheUnavailableError; `.outcome` 'unknown': it may have been
// applied, 'not-applied': it was not).
import { cached, type Client } from 'cacheme'
import type { Book, BooksDb } from '../../books-db.js'
import { drainOutbox } from './outbox.js'
import { retryWrite, type RetryOptions } from './retry.js'

export function bookService({ db, client, retry, ttl = '10m' }: { db: BooksDb; client: Client; retry?: RetryOptions; ttl?: string }) {
  // `ttl` is also the bound on the damage: a value whose invalidate was lost for good is served
  // at most this long. A store that can't afford the outbox keeps it short.
  const books = cached('book:<<id>>', ({ id }: { id: number }) => db.book({ id }), { ttl, client, name: 'book' })
  const stores = { book: books }

  return {
    books,
    stores,

    /** 1. Retry in the request: enough when the cache is back within the backoff (seconds). */
    async renameWithRetry(id: number, title: string): Promise<Book | null> {
      const book = await db.rename(id, title)
      if (book) await retryWrite(() => books.invalidate({ id }), retry)
      return book
    },

    /**
     * 2. Outbox: the rename and the row saying "invalidate book <id>" commit together; the
     * request drains the outbox at once (the common, fast case), and a relay (startRelay) keeps
     * draining what that left. The request never fails because the cache did.
     */
    async renameWithOutbox(id: number, title: string): Promise<Book | null> {
      const book = await db.rename(id, title, { store: 'book', params: { id } })
      await drainOutbox(db, stores)
      return book
    },

    /** 3. Nothing but the TTL: the invalidate is tried once; on failure the old value lives out `ttl`. */
    async renameBestEffort(id: number, title: string): Promise<Book | null> {
      const book = await db.rename(id, title)
      if (book)
        await books.invalidate({ id }).catch((error: unknown) => console.warn(`stale for up to ${ttl}: ${(error as Error).message}`))
      return book
    },
  }
}
