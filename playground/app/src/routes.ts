// The API. Every cache is written inline where the value is needed; the build plugin hoists
// each `cached()` call to a module-level store, so these calls cost nothing per request.
import type { IncomingMessage } from 'node:http'
import { cached, pipeline } from 'cacheme'
import { db } from './db.js'
import { HttpError, parseID, readJson, requireString } from './http.js'

export interface Route {
  method: 'GET' | 'POST'
  path: RegExp
  /** `ids`: the path's captured ids, parsed. */
  handle(ids: number[], url: URL, req: IncomingMessage): Promise<{ status?: number; body: unknown }>
}

const notFound = (what: string): never => {
  throw new HttpError(404, `${what} not found`)
}

export const routes: Route[] = [
  {
    method: 'GET',
    path: /^\/books$/,
    async handle(_, url) {
      const only = url.searchParams.get('ids')
      const ids = only ? only.split(',').map((id) => parseID(id, 'ids')) : await db.bookIDs()
      // One round trip for the whole list; only the missing books reach the database.
      const books = await cached('book:<<id>>', db.book, '10m').getMany(ids.map((id) => ({ id })))
      return { body: { books: books.filter((book) => book !== null) } }
    },
  },
  {
    method: 'GET',
    path: /^\/books\/(\d+)$/,
    async handle([id]) {
      const book = await cached('book:<<id>>', db.book, '10m').get({ id: id! })
      return { body: book ?? notFound(`book ${id}`) }
    },
  },
  {
    method: 'POST',
    path: /^\/books\/(\d+)$/,
    async handle([id], _, req) {
      const body = await readJson(req)
      const book = await db.updateBook(id!, { title: requireString(body, 'title') })
      // The write makes the cached copy stale: the next read fetches it again.
      await cached('book:<<id>>', db.book, '10m').invalidate({ id: id! })
      return { body: book ?? notFound(`book ${id}`) }
    },
  },
  {
    method: 'GET',
    path: /^\/books\/(\d+)\/comments$/,
    async handle([bookID]) {
      const ids = await cached('book:<<bookID>>:comments', db.commentIDsOfBook, '1m').get({ bookID: bookID! })
      const comments = await cached('comment:<<id>>', db.comment, '10m').getMany(ids.map((id) => ({ id })))
      return { body: { comments } }
    },
  },
  {
    method: 'POST',
    path: /^\/books\/(\d+)\/comments$/,
    async handle([bookID], _, req) {
      const body = await readJson(req)
      const comment = await db.addComment(bookID!, requireString(body, 'author'), requireString(body, 'text'))
      await cached('book:<<bookID>>:comments', db.commentIDsOfBook, '1m').invalidate({ bookID: bookID! })
      return { status: 201, body: comment }
    },
  },
  {
    method: 'GET',
    path: /^\/books\/(\d+)\/page$/,
    async handle([id]) {
      // A book and its comment ids from two stores in one round trip, then the comments in one more.
      const p = pipeline()
      const book = cached('book:<<id>>', db.book, '10m').getP(p, { id: id! })
      const commentIDs = cached('book:<<bookID>>:comments', db.commentIDsOfBook, '1m').getP(p, { bookID: id! })
      await p.execute()
      const found = (await book) ?? notFound(`book ${id}`)
      const comments = await cached('comment:<<id>>', db.comment, '10m').getMany((await commentIDs).map((c) => ({ id: c })))
      return { body: { book: found, comments } }
    },
  },
  {
    method: 'GET',
    path: /^\/comments\/(\d+)$/,
    async handle([id]) {
      const comment = await cached('comment:<<id>>', db.comment, '10m').get({ id: id! })
      return { body: comment ?? notFound(`comment ${id}`) }
    },
  },
]
