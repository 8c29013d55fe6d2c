// The cache as a Fastify plugin: it owns one cacheme client for the app's lifetime, shares it
// with every route as `app.cache`, and closes it when the app closes (graceful shutdown).
import { createClient, type Client, type ClientOptions } from 'cacheme'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    cache: Client
  }
}

async function cachePlugin(app: FastifyInstance, options: ClientOptions): Promise<void> {
  const client = createClient({
    ...options,
    // Cache failures are no request failures (a get falls back to the fetcher): log them.
    logger: {
      log: (store, key, op, detail) => {
        if (op === 'ERROR') app.log.warn({ store, key, err: detail?.error }, 'cache error')
      },
    },
  })
  app.decorate('cache', client)
  // Runs on app.close(): after the server stopped taking requests and the in-flight ones ended.
  // close() releases the client's lock markers and connections; it never lingers on an
  // unreachable Redis, so a SIGTERM'd pod exits within its grace period.
  app.addHook('onClose', () => client.close())
}

// fastify-plugin: not encapsulated, so `app.cache` is seen by the routes registered after it.
export default fp(cachePlugin, { name: 'cacheme', fastify: '5.x' })
