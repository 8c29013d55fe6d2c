// examples/invalidate-after-write: what to do when an invalidate rejects after the database
// committed. A real redis-server behind the fault proxy plays the unreachable cache.
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, expect, inject, test } from 'vitest'
import { CacheUnavailableError, createClient, type Client } from 'cacheme'
import { BooksDb } from '../../examples/books-db.js'
import { bookService } from '../../examples/invalidate-after-write/src/books.js'
import { drainOutbox, startRelay, type DrainResult } from '../../examples/invalidate-after-write/src/outbox.js'
import { retryWrite } from '../../examples/invalidate-after-write/src/retry.js'
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.js'

const TIMEOUT_MS = 300
let proxy: FaultProxy
let client: Client
let db: BooksDb

beforeEach(async () => {
  proxy = await startFaultProxy(inject('redis').standalone.port)
  client = createClient({ redis: proxy.url, timeout: TIMEOUT_MS, prefix: `example-write-${randomUUID()}` })
  db = new BooksDb()
})
afterEach(async () => {
  proxy.clear()
  await client.close()
  await proxy.close()
})

/** The rejection of `promise`. */
async function rejection(promise: Promise<unknown>): Promise<CacheUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CacheUnavailableError)
  return error as CacheUnavailableError
}

test("the problem: with Redis hung, invalidate rejects with outcome 'unknown' naming store and key, and the old value stays", async () => {
  const { books } = bookService({ db, client })
  expect(await books.get({ id: 1 })).toEqual({ id: 1, title: 'Dune' })
  await db.rename(1, 'Dune Messiah') // committed
  proxy.stall('toClient') // the command reaches Redis; the answer never comes back
  const error = await rejection(books.invalidate({ id: 1 }))
  expect(error.outcome).toBe('unknown')
  expect(error.store).toBe('book')
  expect(error.key).toBe('book:1:v1')
  expect(error.message).toBe(
    `cacheme: invalidate of 'book:1:v1' in store 'book' may or may not have been applied: Redis node redis did not answer within ${TIMEOUT_MS} ms`,
  )
  proxy.resume()
})

test("with the connection gone, it rejects 'not-applied': the old value is certainly still cached", async () => {
  const { books } = bookService({ db, client })
  await books.get({ id: 1 })
  await db.rename(1, 'Dune Messiah')
  proxy.drop(true)
  proxy.reset()
  const error = await rejection(books.invalidate({ id: 1 }))
  expect(error.outcome).toBe('not-applied')
  proxy.drop(false)
  // Until something invalidates it, readers get the old title.
  await expectEventuallyServed(books, 'Dune')
})

test('1. retry: an invalidate that fails while Redis hangs is retried until it lands; readers then see the write', async () => {
  const retries: string[] = []
  const service = bookService({
    db,
    client,
    retry: {
      baseDelayMs: 50,
      attempts: 6,
      onRetry: (error, attempt) => {
        retries.push(`${attempt} ${error.outcome}`)
        if (attempt === 1) proxy.resume()
      },
    },
  })
  expect(await service.books.get({ id: 2 })).toEqual({ id: 2, title: 'Kindred' })
  proxy.stall()
  expect(await service.renameWithRetry(2, 'Kindred (graphic novel)')).toEqual({ id: 2, title: 'Kindred (graphic novel)' })
  expect(retries[0]).toBe('1 unknown')
  expect(await service.books.get({ id: 2 })).toEqual({ id: 2, title: 'Kindred (graphic novel)' })
})

test('retryWrite gives up after its attempts with the last error, and never retries other errors', async () => {
  let calls = 0
  const unavailable = new CacheUnavailableError('cacheme: down', { outcome: 'not-applied' })
  await expect(
    retryWrite(
      async () => {
        calls++
        throw unavailable
      },
      { attempts: 3, baseDelayMs: 1 },
    ),
  ).rejects.toBe(unavailable)
  expect(calls).toBe(3)
  const bug = new TypeError('a bug')
  await expect(
    retryWrite(
      async () => {
        calls++
        throw bug
      },
      { attempts: 3, baseDelayMs: 1 },
    ),
  ).rejects.toBe(bug)
  expect(calls).toBe(4)
  await expect(retryWrite(async () => 1, { attempts: 0 })).rejects.toThrow('retryWrite: attempts must be an integer >= 1, got 0')
})

test('2. outbox: the write commits with its outbox row; with Redis down the row stays, and the relay invalidates once Redis is back', async () => {
  const service = bookService({ db, client })
  expect(await service.books.get({ id: 3 })).toEqual({ id: 3, title: 'Hyperion' })
  proxy.drop(true)
  proxy.reset()
  // The request succeeds although the cache is down: the database holds the promise to invalidate.
  expect(await service.renameWithOutbox(3, 'The Fall of Hyperion')).toEqual({ id: 3, title: 'The Fall of Hyperion' })
  expect(await db.outboxRows()).toEqual([{ seq: 1, store: 'book', params: { id: 3 } }])

  proxy.drop(false)
  const passes: DrainResult[] = []
  let done!: () => void
  const drained = new Promise<void>((resolve) => {
    done = resolve
  })
  const relay = startRelay(db, service.stores, 50, (result) => {
    passes.push(result)
    if (result.done > 0) done()
  })
  try {
    await drained
  } finally {
    relay.stop()
  }
  expect(await db.outboxRows()).toEqual([])
  expect(await service.books.get({ id: 3 })).toEqual({ id: 3, title: 'The Fall of Hyperion' })
})

test('a row naming a store the relay does not know stays, with the reason', async () => {
  await db.rename(1, 'Dune', { store: 'author', params: { id: 1 } })
  const result = await drainOutbox(db, bookService({ db, client }).stores)
  expect(result.done).toBe(0)
  expect(result.failed.map((f) => f.error.message)).toEqual(["outbox row 1 names store 'author', which the relay does not know"])
})

test('3. the TTL as the bound: a lost invalidate serves the old value until the TTL ends, never longer', async () => {
  const service = bookService({ db, client, ttl: '3s' })
  await service.books.get({ id: 1 })
  const cachedAt = Date.now()
  proxy.drop(true)
  proxy.reset()
  await service.renameBestEffort(1, 'Dune Messiah') // resolves: the failure is only logged
  proxy.drop(false)
  await expectEventuallyServed(service.books, 'Dune') // stale once Redis is back, but only until the TTL ends
  await expectEventuallyServed(service.books, 'Dune Messiah', 5_000)
  const staleFor = Date.now() - cachedAt
  expect(staleFor).toBeGreaterThanOrEqual(3000 - 50)
  expect(staleFor).toBeLessThan(3000 + 1500)
})

/** Polls `get` (Redis may still be reconnecting; reads fall back meanwhile) until it serves `title`. */
async function expectEventuallyServed(books: ReturnType<typeof bookService>['books'], title: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [state] = await client.peek([books.key({ id: 1 })]).catch(() => ['unreachable'])
    const book = await books.get({ id: 1 })
    if (state === 'value' && book?.title === title) return
    if (Date.now() > deadline)
      throw new Error(`the cache did not serve '${title}' within ${timeoutMs} ms (got '${book?.title}', key ${state})`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
