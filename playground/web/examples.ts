/** The ready examples of the playground; each runs as it is against the embedded backend. */
export interface Example {
  id: string
  title: string
  source: string
}

const sleep = `const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))`

export const examples: Example[] = [
  {
    id: 'get',
    title: 'get in a handler',
    source: `import { cached } from 'cacheme'

interface Comment { id: string; text: string }

${sleep}
const db = new Map([['1', 'First!'], ['2', 'Nice library']])

async function fetchComment({ id }: { id: string }): Promise<Comment> {
  await sleep(40) // a slow database
  return { id, text: db.get(id) ?? '' }
}

// Request handlers: the cache is written inline, where the value is needed.
async function getComment(req: { params: { id: string } }) {
  return cached('comment:<<id>>', fetchComment, '5m').get({ id: req.params.id })
}

async function editComment(req: { params: { id: string }; body: string }) {
  db.set(req.params.id, req.body)
  await cached('comment:<<id>>', fetchComment, '5m').invalidate({ id: req.params.id })
}

console.log(await getComment({ params: { id: '1' } })) // MISS, FETCH
console.log(await getComment({ params: { id: '1' } })) // HIT
await editComment({ params: { id: '1' }, body: 'First! (edited)' })
console.log(await getComment({ params: { id: '1' } })) // MISS, FETCH again
`,
  },
  {
    id: 'getMany',
    title: 'getMany for a list',
    source: `import { cached } from 'cacheme'

interface Book { id: number; title: string }

${sleep}

async function fetchBook({ id }: { id: number }): Promise<Book> {
  await sleep(30)
  return { id, title: \`Book \${id}\` }
}

// One lookup for the whole list; only the missing books are fetched.
async function listBooks(ids: number[]) {
  return cached('book:<<id>>', fetchBook, '1h').getMany(ids.map((id) => ({ id })))
}

console.log(await listBooks([1, 2]))       // MISS and FETCH for 1 and 2
console.log(await listBooks([1, 2, 3, 1])) // HIT 1 and 2, MISS 3: duplicates fetched once
`,
  },
  {
    id: 'pipeline',
    title: 'pipeline over two stores',
    source: `import { cached, pipeline } from 'cacheme'

interface Book { id: number; title: string }

${sleep}

async function fetchBook({ id }: { id: number }): Promise<Book> {
  await sleep(30)
  return { id, title: \`Book \${id}\` }
}

async function fetchCommentIDs({ bookID }: { bookID: number }): Promise<number[]> {
  await sleep(50)
  return [bookID * 10 + 1, bookID * 10 + 2]
}

// Two stores, one round trip: lookups queued on a pipeline go out together on execute().
async function bookPage(id: number) {
  const p = pipeline()
  const book = cached('book:<<id>>', fetchBook, '1h').getP(p, { id })
  const commentIDs = cached('book:<<bookID>>:comments', fetchCommentIDs, '5m').getP(p, { bookID: id })
  await p.execute()
  return { book: await book, commentIDs: await commentIDs }
}

console.log(await bookPage(7)) // MISS and FETCH for both stores
console.log(await bookPage(7)) // HIT for both
`,
  },
  {
    id: 'versioned',
    title: 'versioned store',
    source: `import { cached } from 'cacheme'

${sleep}

// Bump the version when the shape of a cached value changes: new keys, old values ignored.
let BOOK_SCHEMA = 1

async function fetchBook({ categoryID, bookID }: { categoryID: number; bookID: number }) {
  await sleep(30)
  return BOOK_SCHEMA === 1 ? { title: 'Dune' } : { title: 'Dune', author: 'Frank Herbert' }
}

const getBook = (categoryID: number, bookID: number) =>
  cached('category:<<categoryID>>:book:<<bookID>>', fetchBook, {
    ttl: '1h',
    version: () => BOOK_SCHEMA,
    name: 'Book',
  }).get({ categoryID, bookID })

console.log(await getBook(1, 3)) // MISS cacheme:category:1:book:3:v1
console.log(await getBook(1, 3)) // HIT
BOOK_SCHEMA = 2
console.log(await getBook(1, 3)) // MISS cacheme:category:1:book:3:v2
`,
  },
  {
    id: 'malformed',
    title: 'malformed template',
    source: `import { cached } from 'cacheme'

// The compiler checks templates at build time, with file:line:col.
async function fetchUser({ id }: { id: string }) {
  return { id, name: 'Ada' }
}

export async function getUser(id: string) {
  return cached('user:<<id', fetchUser, '10m').get({ id }) // the placeholder never closes
}
`,
  },
]
