// Batch loading: fetchMany is typed by the store's params and value; getMany's settle option picks the settled type.
import { cached, type FetchManyContext, type Store } from 'cacheme'
import { expectType, type Equal } from './assert.js'

interface Post {
  id: number
  title: string
}

const posts = cached('post:<<id>>', async ({ id }: { id: number }): Promise<Post> => ({ id, title: '' }), {
  ttl: '5m',
  fetchMany: async (paramsList, ctx) => {
    expectType<Equal<typeof paramsList, { id: number }[]>>(true)
    expectType<Equal<typeof ctx, FetchManyContext>>(true)
    const signal: AbortSignal = ctx.signal
    void signal
    return paramsList.map(({ id }) => ({ id, title: '' }))
  },
})
expectType<Equal<typeof posts, Store<{ id: number }, Post>>>(true)

// A synchronous fetchMany of the template's params (a fetcher that ignores its params).
const tenants = cached('tenant:<<tenant>>', () => ({ plan: 'free' }), {
  fetchMany: (list) => list.map(() => ({ plan: 'free' })),
})
void tenants

export async function settled(): Promise<void> {
  const all = await posts.getMany([{ id: 1 }])
  expectType<Equal<typeof all, Post[]>>(true)
  const outcomes = await posts.getMany([{ id: 1 }], { settle: true })
  expectType<Equal<typeof outcomes, PromiseSettledResult<Post>[]>>(true)
  const plain = await posts.getMany([{ id: 1 }], { settle: false })
  expectType<Equal<typeof plain, Post[]>>(true)
}

// @ts-expect-error fetchMany returns the store's values
cached('bad:<<id>>', ({ id }: { id: number }): Post => ({ id, title: '' }), { fetchMany: (list) => list.map(() => 'text') })
// @ts-expect-error fetchMany's params are the store's
cached('bad:<<id>>', ({ id }: { id: number }): Post => ({ id, title: '' }), {
  fetchMany: (list: { slug: string }[]) => list.map(() => ({ id: 1, title: '' })),
})
