import { cached, CacheUnavailableError, type Client } from 'cacheme'
import express, { type Express } from 'express'
import type { BooksDb } from '../../books-db.js'

/** The routes; the client is made (and closed) by whoever runs the app: see server.ts. */
export function createApp({ cache, db }: { cache: Client; db: BooksDb }): Express {
  const app = express()
  app.use(express.json())

  const books = cached('book:<<id>>', ({ id }: { id: number }) => db.book({ id }), { ttl: '10m', client: cache })

  const bookID = (text: string): number | undefined => (/^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined)

  // Express 5 passes a rejected promise of a handler on to the error handler.
  app.get('/books/:id', async (req, res) => {
    const id = bookID(req.params.id)
    if (id === undefined) return void res.status(400).json({ error: `id must be a positive integer, got '${req.params.id}'` })
    const book = await books.get({ id })
    if (!book) return void res.status(404).json({ error: `book ${id} not found` })
    res.json(book)
  })

  app.put('/books/:id', async (req, res) => {
    const id = bookID(req.params.id)
    const title: unknown = req.body?.title
    if (id === undefined || typeof title !== 'string' || title === '') {
      return void res.status(400).json({
        error: `want PUT /books/<positive integer> {"title": "<non-empty>"}, got id '${req.params.id}', title ${JSON.stringify(title)}`,
      })
    }
    const book = await db.rename(id, title)
    if (!book) return void res.status(404).json({ error: `book ${id} not found` })
    await books.invalidate({ id }) // committed; see examples/invalidate-after-write for a rejection
    res.json(book)
  })

  app.get('/health/live', (_req, res) => void res.json({ ok: true }))
  app.get('/health/ready', async (_req, res) => {
    try {
      await cache.ping()
      res.json({ ok: true })
    } catch (error) {
      if (!(error instanceof CacheUnavailableError)) throw error
      res.status(503).json({ ok: false, error: error.message })
    }
  })
  return app
}
