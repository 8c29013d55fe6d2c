// The explicit form: cached<T>() pins the value type.
import { cached, pipeline } from 'cacheme'
import { expectType, type Equal } from './assert.js'

interface Comment {
  id: string
  text: string
}

declare function fetchComment(params: { id: string }): Promise<Comment>

export async function explicit(): Promise<void> {
  const c = await cached<Comment>('comment:<<id>>', fetchComment, 300).get({ id: '1' })
  expectType<Equal<typeof c, Comment>>(true)

  // @ts-expect-error the fetcher returns a number, not the pinned Comment
  cached<Comment>('comment:<<id>>', () => 42, 300)

  // An inline fetcher may leave its params untyped in the explicit form.
  const thread = await cached<Comment[]>('post:<<postID>>:comments', ({ postID }) => [{ id: postID, text: '' }], 60).get({ postID: 'p1' })
  expectType<Equal<typeof thread, Comment[]>>(true)

  const p = pipeline()
  const queued = cached<Comment>('comment:<<id>>', fetchComment).getP(p, { id: '2' })
  expectType<Equal<typeof queued, Promise<Comment>>>(true)
  await p.execute()
}
