// The fake database every recipe caches: books in memory, answering after a few milliseconds,
// with a transaction that can carry an outbox row (see invalidate-after-write/).

export interface Book {
  id: number
  title: string
}

export interface OutboxRow {
  seq: number
  /** What to invalidate once the write is committed: a store's name and params. */
  store: string
  params: Record<string, unknown>
}

const LATENCY_MS = 5

export class BooksDb {
  readonly #books = new Map<number, Book>()
  readonly #outbox = new Map<number, OutboxRow>()
  #nextSeq = 1
  /** How many times a book was read: what the cache saves. */
  reads = 0

  constructor(
    books: Book[] = [
      { id: 1, title: 'Dune' },
      { id: 2, title: 'Kindred' },
      { id: 3, title: 'Hyperion' },
    ],
  ) {
    for (const book of books) this.#books.set(book.id, book)
  }

  async book({ id }: { id: number }): Promise<Book | null> {
    await delay()
    this.reads++
    return this.#books.get(id) ?? null
  }

  /** Renames a book; with `outbox`, the same transaction records what to invalidate. */
  async rename(id: number, title: string, outbox?: Omit<OutboxRow, 'seq'>): Promise<Book | null> {
    await delay()
    const book = this.#books.get(id)
    if (!book) return null
    const renamed = { ...book, title }
    // One transaction: both rows or neither (here: both, synchronously, after the one await).
    this.#books.set(id, renamed)
    if (outbox) {
      const seq = this.#nextSeq++
      this.#outbox.set(seq, { seq, ...outbox })
    }
    return renamed
  }

  async outboxRows(): Promise<OutboxRow[]> {
    await delay()
    return [...this.#outbox.values()]
  }

  async deleteOutboxRow(seq: number): Promise<void> {
    await delay()
    this.#outbox.delete(seq)
  }
}

const delay = () => new Promise((resolve) => setTimeout(resolve, LATENCY_MS))
