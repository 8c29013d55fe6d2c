// A fake database: a few books and their comments in memory, answering after a realistic delay.

export interface Book {
  id: number
  title: string
  author: string
  year: number
}

export interface Comment {
  id: number
  bookID: number
  author: string
  text: string
  createdAt: string
}

const LATENCY_MS = { min: 30, max: 80 }

const books = new Map<number, Book>(
  [
    { id: 1, title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin', year: 1969 },
    { id: 2, title: 'Dune', author: 'Frank Herbert', year: 1965 },
    { id: 3, title: 'Kindred', author: 'Octavia E. Butler', year: 1979 },
    { id: 4, title: 'Neuromancer', author: 'William Gibson', year: 1984 },
    { id: 5, title: 'The Dispossessed', author: 'Ursula K. Le Guin', year: 1974 },
    { id: 6, title: 'Hyperion', author: 'Dan Simmons', year: 1989 },
  ].map((book) => [book.id, book]),
)

const comments = new Map<number, Comment>()
let nextCommentID = 1
for (const [bookID, author, text] of [
  [1, 'ada', 'The ice journey chapters are unforgettable.'],
  [1, 'grace', 'Read it twice, noticed new things the second time.'],
  [2, 'linus', 'Slow start, then impossible to put down.'],
  [3, 'margaret', 'Devastating and brilliant.'],
  [4, 'ken', 'Coined half the vocabulary we still use.'],
] as const) {
  addComment(bookID, author, text)
}

let queries = 0

/** How many queries the database has answered (the app shows it per request). */
export const queryCount = (): number => queries

function query<T>(answer: () => T): Promise<T> {
  queries++
  const delay = LATENCY_MS.min + Math.random() * (LATENCY_MS.max - LATENCY_MS.min)
  return new Promise((resolve) => setTimeout(() => resolve(answer()), delay))
}

function addComment(bookID: number, author: string, text: string): Comment {
  const comment = { id: nextCommentID++, bookID, author, text, createdAt: new Date().toISOString() }
  comments.set(comment.id, comment)
  return comment
}

export const db = {
  book: ({ id }: { id: number }) => query(() => books.get(id) ?? null),
  bookIDs: () => query(() => [...books.keys()]),
  updateBook: (id: number, changes: Partial<Pick<Book, 'title' | 'author' | 'year'>>) =>
    query(() => {
      const book = books.get(id)
      if (!book) return null
      const updated = { ...book, ...changes }
      books.set(id, updated)
      return updated
    }),
  comment: ({ id }: { id: number }) => query(() => comments.get(id) ?? null),
  commentIDsOfBook: ({ bookID }: { bookID: number }) =>
    query(() => [...comments.values()].filter((c) => c.bookID === bookID).map((c) => c.id)),
  addComment: (bookID: number, author: string, text: string) => query(() => addComment(bookID, author, text)),
}
