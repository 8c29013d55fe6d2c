// `npm start -w @cacheme/example-express` (REDIS_URL: the Redis to cache in; else the memory backend).
import type { AddressInfo } from 'node:net'
import { createClient } from 'cacheme'
import { BooksDb } from '../../books-db.js'
import { cacheOptionsFromEnv } from '../../cache-env.js'
import { createApp } from './app.js'

const cache = createClient(cacheOptionsFromEnv(process.env))
const server = createApp({ cache, db: new BooksDb() }).listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address() as AddressInfo
  console.log(`listening http://${address}:${port}/`)
})

// Graceful shutdown: stop accepting, close idle keep-alive sockets, wait for the requests in
// flight, then close the cache client (never lingering on an unreachable Redis). The process
// then has nothing left to do and exits by itself.
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
    server.closeIdleConnections()
  })
}
