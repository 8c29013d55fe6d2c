import { cached, CacheUnavailableError, type Client } from 'cacheme'
import { Hono } from 'hono'
import type { BooksDb } from '../../books-db.js'

/** The routes; the client is made (and closed) by whoever runs the app: see server.ts. */
export function createApp({ cache, db }: { cache: Client; db: BooksDb }): Hono {
  const app = new Hono()
  const books = cached('book:<<id>>', ({ id }: { id: number }) => db.book({ id }), { ttl: '10m', client: cache })
  const bookID = (text: string): number | undefined => (/^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined)

  app.get('/books/:id', async (c) => {
    const id = bookID(c.req.param('id'))
    if (id === undefined) return c.json({ error: `id must be a positive integer, got '${c.req.param('id')}'` }, 400)
    const book = await books.get({ id })
    return book ? c.json(book) : c.json({ error: `book ${id} not found` }, 404)
  })

  app.put('/books/:id', async (c) => {
    const id = bookID(c.req.param('id'))
    const body: unknown = await c.req.json().catch(() => undefined)
    const title = (body as { title?: unknown } | undefined)?.title
    if (id === undefined || typeof title !== 'string' || title === '') {
      return c.json(
        {
          error: `want PUT /books/<positive integer> {"title": "<non-empty>"}, got id '${c.req.param('id')}', title ${JSON.stringify(title)}`,
        },
        400,
      )
    }
    const book = await db.rename(id, title)
    if (!book) return c.json({ error: `book ${id} not found` }, 404)
    await books.invalidate({ id }) // committed; see examples/invalidate-after-write for a rejection
    return c.json(book)
  })

  app.get('/health/live', (c) => c.json({ ok: true }))
  app.get('/health/ready', async (c) => {
    try {
      await cache.ping()
      return c.json({ ok: true })
    } catch (error) {
      if (!(error instanceof CacheUnavailableError)) throw error
      return c.json({ ok: false, error: error.message }, 503)
    }
  })
  return app
}
