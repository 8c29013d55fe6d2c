import { cached, CacheUnavailableError, type ClientOptions } from 'cacheme'
import Fastify, { type FastifyInstance } from 'fastify'
import type { BooksDb } from '../../books-db.js'
import cachePlugin from './cache-plugin.js'

export async function buildApp(options: { cache: ClientOptions; db: BooksDb; logger?: boolean }): Promise<FastifyInstance> {
  const { db } = options
  const app = Fastify({ logger: options.logger ?? false })
  await app.register(cachePlugin, options.cache)

  const books = cached('book:<<id>>', ({ id }: { id: number }) => db.book({ id }), { ttl: '10m', client: app.cache })

  const idParam = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const
  app.get<{ Params: { id: number } }>('/books/:id', { schema: { params: idParam } }, async (request, reply) => {
    const book = await books.get({ id: request.params.id })
    return book ?? reply.code(404).send({ error: `book ${request.params.id} not found` })
  })

  app.put<{ Params: { id: number }; Body: { title: string } }>(
    '/books/:id',
    {
      schema: { params: idParam, body: { type: 'object', properties: { title: { type: 'string', minLength: 1 } }, required: ['title'] } },
    },
    async (request, reply) => {
      const book = await db.rename(request.params.id, request.body.title)
      if (!book) return reply.code(404).send({ error: `book ${request.params.id} not found` })
      // The database committed; see examples/invalidate-after-write for when this rejects.
      await books.invalidate({ id: request.params.id })
      return book
    },
  )

  // Liveness: the process answers. Readiness: the cache answers too (within the client timeout).
  app.get('/health/live', async () => ({ ok: true }))
  app.get('/health/ready', async (_request, reply) => {
    try {
      await app.cache.ping()
      return { ok: true }
    } catch (error) {
      if (!(error instanceof CacheUnavailableError)) throw error
      return reply.code(503).send({ ok: false, error: error.message })
    }
  })
  return app
}
