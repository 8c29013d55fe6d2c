// The inferred form: the value type comes from the fetcher, the params from the template.
import { cached, type FetchContext, type Store } from 'cacheme'
import { expectType, type Equal } from './assert.js'

interface Comment {
  id: string
  text: string
}
interface Book {
  categoryID: number
  bookID: number
  title: string
}

const fetchComment = async ({ id }: { id: string }): Promise<Comment> => ({ id, text: `comment ${id}` })
const comments = cached('comment:<<id>>', fetchComment, '5m')
expectType<Equal<typeof comments, Store<{ id: string }, Comment>>>(true)

export async function inferred(): Promise<void> {
  const comment = await comments.get({ id: '1' })
  expectType<Equal<typeof comment, Comment>>(true)
  const many = await comments.getMany([{ id: '1' }, { id: '2' }])
  expectType<Equal<typeof many, Comment[]>>(true)
  const fresh = await comments.refresh({ id: '1' })
  expectType<Equal<typeof fresh, Comment>>(true)
  await comments.set({ id: '1' }, { id: '1', text: 'by hand' })
  const removed: number = await comments.invalidateAll()
  const key: string = comments.key({ id: '1' })
  const name: string = comments.name
  ;(void removed, key, name)
}

// A synchronous fetcher and two placeholders.
const books = cached(
  'category:<<categoryID>>:book:<<bookID>>',
  ({ categoryID, bookID }: { categoryID: number; bookID: number }): Book => ({
    categoryID,
    bookID,
    title: 'x',
  }),
  { ttl: '1h', version: () => 'v2', name: 'Book', singleflight: true },
)

export async function twoParams(): Promise<void> {
  const book = await books.get({ categoryID: 1, bookID: 3 })
  expectType<Equal<typeof book, Book>>(true)
}

// A fetcher that ignores its params gets the template's params.
const settings = cached('settings:<<tenant>>', () => ({ theme: 'dark' as const }))
export async function ignoredParams(): Promise<void> {
  const value = await settings.get({ tenant: 'acme' })
  expectType<Equal<typeof value, { theme: 'dark' }>>(true)
  await settings.get({ tenant: 42 })
}

// A fetcher param typed as string | number accepts both in get().
const items = cached('item:<<id>>', ({ id }: { id: string | number }) => String(id))
export async function unionParam(): Promise<void> {
  await items.get({ id: 1 })
  await items.get({ id: 'one' })
}

// The fetcher's ctx (freshness): typed by the store inline, or annotated for a typed ctx.stale.
const products = cached(
  'product:<<id>>',
  async ({ id }: { id: string }, ctx) => {
    expectType<Equal<typeof ctx.signal, AbortSignal>>(true)
    ctx.setTtl('10s')
    return { id, name: 'p' }
  },
  { ttl: '5m', staleWhileRevalidate: '1m', staleIfError: 60, fetchTimeout: { soft: '200ms', hard: '5s' }, earlyRefresh: { beta: 2 } },
)
expectType<Equal<typeof products, Store<{ id: string }, { id: string; name: string }>>>(true)
const fetchPrice = async ({ id }: { id: string }, ctx: FetchContext<number>): Promise<number> => (ctx.stale ?? 0) + id.length
const prices = cached('price:<<id>>', fetchPrice, { ttl: '1m', earlyRefresh: true })
expectType<Equal<typeof prices, Store<{ id: string }, number>>>(true)
expectType<Equal<Parameters<typeof fetchPrice>[1]['stale'], number | undefined>>(true)
