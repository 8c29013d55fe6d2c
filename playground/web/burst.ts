/** What a burst did: how many requests, their statuses, how long it took. */
export interface BurstResult {
  requests: number
  statuses: Map<number, number>
  ms: number
}

const BOOK_IDS = [1, 2, 3, 4, 5, 6]
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!

/**
 * One request of the mix: mostly reads across the app's stores (a few of ids it has no book
 * for, which are cached too), and a few writes that invalidate, so that misses and fetches
 * keep coming after the cache is warm.
 */
function request(titles: Map<number, string>): [path: string, init?: RequestInit] {
  const roll = Math.random()
  const id = pick(BOOK_IDS)
  if (roll < 0.45) return [`/app/books/${pick([...BOOK_IDS, 7, 8])}`]
  if (roll < 0.65) return [`/app/books/${id}/page`]
  if (roll < 0.8) return [`/app/books?ids=${BOOK_IDS.filter(() => Math.random() < 0.5).join(',') || id}`]
  if (roll < 0.9) return [`/app/comments/${1 + Math.floor(Math.random() * 8)}`]
  const post = (path: string, body: unknown): [string, RequestInit] => [
    path,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  ]
  // Rewriting a book's title with itself: a real write path (update, then invalidate) that changes nothing.
  if (roll < 0.95 && titles.has(id)) return post(`/app/books/${id}`, { title: titles.get(id) })
  return post(`/app/books/${id}/comments`, { author: 'burst', text: `comment at ${new Date().toISOString()}` })
}

/** Fires `count` requests at the example app (through the page's /app/ proxy) at once. */
export async function burst(count: number): Promise<BurstResult> {
  const started = performance.now()
  const list = (await (await fetch('/app/books')).json()) as { books: { id: number; title: string }[] }
  const titles = new Map(list.books.map((book) => [book.id, book.title]))
  const statuses = new Map<number, number>()
  await Promise.all(
    Array.from({ length: count - 1 }, async () => {
      const [path, init] = request(titles)
      const response = await fetch(path, init)
      await response.arrayBuffer()
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
    }),
  )
  statuses.set(200, (statuses.get(200) ?? 0) + 1) // the list
  return { requests: count, statuses, ms: Math.round(performance.now() - started) }
}
