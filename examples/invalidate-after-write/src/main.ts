// `REDIS_URL=redis://127.0.0.1:6379 npm start -w @cacheme/example-invalidate-after-write`:
// renames a book through each strategy and prints what a reader sees after it.
import { createClient } from 'cacheme'
import { BooksDb } from '../../books-db.js'
import { cacheOptionsFromEnv } from '../../cache-env.js'
import { bookService } from './books.js'
import { startRelay } from './outbox.js'

const db = new BooksDb()
const client = createClient({ prefix: 'example-write', ...cacheOptionsFromEnv(process.env) })
const service = bookService({
  db,
  client,
  retry: { onRetry: (error, attempt) => console.warn(`invalidate attempt ${attempt} failed (${error.outcome}): ${error.message}`) },
})
const relay = startRelay(db, service.stores, 1000, ({ failed }) =>
  failed.forEach(({ seq, error }) => console.warn(`outbox row ${seq} left for the next pass: ${error.message}`)),
)

console.log(await service.books.get({ id: 1 }))
await service.renameWithRetry(1, 'Dune Messiah')
console.log(await service.books.get({ id: 1 }))
await service.renameWithOutbox(1, 'Children of Dune')
console.log(await service.books.get({ id: 1 }))
console.log('outbox rows left:', (await db.outboxRows()).length)
relay.stop()
await client.close()
