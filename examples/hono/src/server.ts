// `npm start -w @cacheme/example-hono` (REDIS_URL: the Redis to cache in; else the memory backend).
import { serve } from '@hono/node-server'
import { createClient } from 'cacheme'
import { BooksDb } from '../../books-db.js'
import { cacheOptionsFromEnv } from '../../cache-env.js'
import { createApp } from './app.js'

const cache = createClient(cacheOptionsFromEnv(process.env))
const app = createApp({ cache, db: new BooksDb() })
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: process.env.HOST ?? '127.0.0.1' }, (info) => {
  console.log(`listening http://${info.address}:${info.port}/`)
})

// Graceful shutdown: stop accepting, wait for the requests in flight, then close the cache
// client (never lingering on an unreachable Redis); the process then exits by itself.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    const started = Date.now()
    server.close(() => {
      cache.close().then(
        () => console.log(`closed in ${Date.now() - started} ms`),
        (error: unknown) => {
          console.error(error)
          process.exitCode = 1
        },
      )
    })
  })
}
