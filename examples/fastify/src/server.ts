// `npm start -w @cacheme/example-fastify` (REDIS_URL: the Redis to cache in; else the memory backend).
import { BooksDb } from '../../books-db.js'
import { cacheOptionsFromEnv } from '../../cache-env.js'
import { buildApp } from './app.js'

const app = await buildApp({
  cache: cacheOptionsFromEnv(process.env),
  db: new BooksDb(),
})
const address = await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' })
console.log(`listening ${address}/`)

// Graceful shutdown: stop taking requests, let the in-flight ones finish, run the onClose hooks
// (the cache plugin closes its client). Nothing keeps the process alive after that: it exits.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    const started = Date.now()
    app.close().then(
      () => console.log(`closed in ${Date.now() - started} ms`),
      (error: unknown) => {
        console.error(error)
        process.exitCode = 1
      },
    )
  })
}
