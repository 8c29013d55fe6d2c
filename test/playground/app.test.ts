import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startCountingProxy, type CountingProxy } from '../harness/counting-proxy.js'
import { startApp, type AppProcess } from '../../playground/dist/server/app-process.js'

async function get(app: AppProcess, path: string) {
  const response = await fetch(new URL(path, app.url))
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    ops: response.headers.get('x-cache-ops'),
    body: (await response.json()) as any,
  }
}

async function post(app: AppProcess, path: string, body: unknown) {
  const response = await fetch(new URL(path, app.url), { method: 'POST', body: JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as any }
}

it('is built through unplugin-cacheme: every inline cached() call became a module-level store', async () => {
  const built = await readFile(new URL('../../playground/app/dist/server.js', import.meta.url), 'utf8')
  expect(built).toContain('__cachemeStore({ template: "book:<<id>>"')
  expect(built).toContain('__cachemeStore({ template: "comment:<<id>>"')
  expect(built).toContain('__cachemeStore({ template: "book:<<bookID>>:comments"')
  expect(built).not.toMatch(/\bcached\(/)
})

describe('the example app on the embedded memory backend', () => {
  let app: AppProcess
  beforeAll(async () => {
    app = await startApp({ port: 0, host: '127.0.0.1' })
  })
  afterAll(() => app?.stop())

  it('prints a banner with the backend and the URL', () => {
    expect(app.lines.join('\n')).toMatch(/backend\s+memory \(embedded/)
    expect(app.lines.join('\n')).toContain(`listening  ${app.url}`)
  })

  it('answers the second GET of an item from the cache, and logs the request with its cache ops', async () => {
    const first = await get(app, '/books/2')
    expect(first).toMatchObject({ status: 200, cache: 'MISS', ops: 'book:2:v1 MISS FETCH', body: { id: 2, title: 'Dune' } })
    const second = await get(app, '/books/2')
    expect(second).toMatchObject({ status: 200, cache: 'HIT', ops: 'book:2:v1 HIT', body: first.body })
    await app.waitForLine(/^GET\s+\/books\/2\s+200\s+[\d.]+ ms\s+db×0\s+book:2:v1 HIT$/)
  })

  it('fetches an item again after a POST changes it', async () => {
    await get(app, '/books/3')
    expect((await get(app, '/books/3')).cache).toBe('HIT')
    expect(await post(app, '/books/3', { title: 'Kindred (25th anniversary edition)' })).toMatchObject({ status: 200 })
    const after = await get(app, '/books/3')
    expect(after).toMatchObject({ cache: 'MISS', ops: 'book:3:v1 MISS FETCH', body: { title: 'Kindred (25th anniversary edition)' } })
  })

  it("invalidates a book's comment list when a comment is posted", async () => {
    const before = await get(app, '/books/4/comments')
    expect((await get(app, '/books/4/comments')).cache).toBe('HIT')
    const created = await post(app, '/books/4/comments', { author: 'tester', text: 'Still sharp.' })
    expect(created.status).toBe(201)
    const after = await get(app, '/books/4/comments')
    expect(after.ops).toContain('book:4:comments:v1 MISS FETCH')
    expect(after.body.comments).toHaveLength(before.body.comments.length + 1)
  })

  it('serves client.stats() as Prometheus text on /metrics, without logging the scrape', async () => {
    const scrape = async () => {
      const response = await fetch(new URL('metrics', app.url))
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
      const text = await response.text()
      const value = (store: string, op: string) =>
        Number(new RegExp(`^cacheme_operations_total\\{store="${store}",op="${op}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0)
      return { text, value }
    }
    const before = await scrape()
    expect(before.text).toMatch(/^# HELP cacheme_operations_total .+\n# TYPE cacheme_operations_total counter\n/)
    await get(app, '/comments/2')
    await get(app, '/comments/2')
    const after = await scrape()
    expect(after.value('comment:<<id>>', 'miss') - before.value('comment:<<id>>', 'miss')).toBe(1)
    expect(after.value('comment:<<id>>', 'fetch') - before.value('comment:<<id>>', 'fetch')).toBe(1)
    expect(after.value('comment:<<id>>', 'hit') - before.value('comment:<<id>>', 'hit')).toBe(1)
    expect(app.lines.some((line) => line.includes('/metrics'))).toBe(false)
  })

  it('rejects bad input with the bad value named', async () => {
    expect(await get(app, '/books?ids=1,x')).toMatchObject({ status: 400, body: { error: "ids must be a positive integer, got 'x'" } })
    expect(await post(app, '/books/1', { title: 7 })).toMatchObject({
      status: 400,
      body: { error: "'title' must be a non-empty string, got 7" },
    })
  })
})

describe('the example app on Redis', () => {
  let proxy: CountingProxy
  let app: AppProcess
  beforeAll(async () => {
    proxy = await startCountingProxy(inject('redis').standalone.port)
    app = await startApp({
      port: 0,
      host: '127.0.0.1',
      env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, CACHEME_PREFIX: `playground-${randomUUID()}` },
    })
  })
  afterAll(async () => {
    await app?.stop()
    await proxy?.close()
  })

  it('names the Redis URL in its banner', () => {
    expect(app.lines.join('\n')).toMatch(new RegExp(`backend\\s+redis://127\\.0\\.0\\.1:${proxy.port}`))
  })

  it('looks up a whole list in one round trip', async () => {
    expect((await get(app, '/books?ids=1,2,3,4,5')).cache).toBe('MISS')
    proxy.reset()
    const list = await get(app, '/books?ids=1,2,3,4,5')
    expect(list.cache).toBe('HIT')
    expect(list.body.books.map((b: { id: number }) => b.id)).toEqual([1, 2, 3, 4, 5])
    expect(proxy.roundTrips()).toBe(1)
  })

  it('reads a book and its comment ids through one pipeline, then the comments in one more round trip', async () => {
    await get(app, '/books/1/page')
    proxy.reset()
    const page = await get(app, '/books/1/page')
    expect(page.cache).toBe('HIT')
    expect(page.body.book.id).toBe(1)
    expect(proxy.roundTrips()).toBe(2)
  })

  it('fetches an item again after a POST changes it', async () => {
    await get(app, '/books/6')
    expect((await get(app, '/books/6')).cache).toBe('HIT')
    await post(app, '/books/6', { title: 'Hyperion (illustrated)' })
    expect(await get(app, '/books/6')).toMatchObject({
      cache: 'MISS',
      ops: 'book:6:v1 MISS FETCH',
      body: { title: 'Hyperion (illustrated)' },
    })
  })
})

describe('the example app on a Redis Cluster', () => {
  let app: AppProcess
  beforeAll(async () => {
    app = await startApp({
      port: 0,
      host: '127.0.0.1',
      env: { REDIS_CLUSTER: inject('redis').cluster.seeds.join(','), CACHEME_PREFIX: `playground-${randomUUID()}` },
    })
  })
  afterAll(() => app?.stop())

  it('names the cluster in its banner and caches there', async () => {
    expect(app.lines.join('\n')).toMatch(/backend\s+cluster 127\.0\.0\.1:\d+/)
    expect((await get(app, '/books?ids=1,2,3,4,5,6')).cache).toBe('MISS')
    expect(await get(app, '/books?ids=1,2,3,4,5,6')).toMatchObject({ cache: 'HIT', ops: '6 keys: 6 HIT' })
  })
})
