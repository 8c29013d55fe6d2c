// What TypeScript must reject.
import { cached, createClient, type Codec } from 'cacheme'

interface Comment {
  id: string
  text: string
}

const fetchComment = async ({ id }: { id: string }): Promise<Comment> => ({ id, text: id })

// @ts-expect-error wrong placeholder name in the fetcher's params ('commentId' is not '<<id>>')
cached('comment:<<id>>', async ({ commentId }: { commentId: string }) => ({ id: commentId, text: '' }), '5m')

// @ts-expect-error the fetcher wants a param the template does not have
cached('comment:<<id>>', async ({ id, lang }: { id: string; lang: string }) => ({ id, text: lang }))

// @ts-expect-error the template has a placeholder the fetcher does not take
cached('category:<<categoryID>>:book:<<bookID>>', ({ bookID }: { bookID: number }) => bookID)

const comments = cached('comment:<<id>>', fetchComment, '5m')
const books = cached(
  'category:<<categoryID>>:book:<<bookID>>',
  ({ categoryID, bookID }: { categoryID: number; bookID: number }) => categoryID + bookID,
)

export async function wrongCalls(): Promise<void> {
  // @ts-expect-error missing param in get()
  await books.get({ categoryID: 1 })

  // @ts-expect-error a param that is not in the template
  await comments.get({ id: '1', lang: 'en' })

  // @ts-expect-error a param of the wrong type
  await comments.get({ id: 1 })

  // @ts-expect-error no params at all
  await comments.get()

  // @ts-expect-error getMany() takes a list
  await comments.getMany({ id: '1' })

  // @ts-expect-error set() with a value of the wrong type
  await comments.set({ id: '1' }, { id: '1' })

  // @ts-expect-error the value type is Comment, not string
  const text: string = await comments.get({ id: '1' })
  void text
}

// @ts-expect-error a TTL must be a number or a string
cached('comment:<<id>>', fetchComment, true)

// @ts-expect-error an unknown option
cached('comment:<<id>>', fetchComment, { ttl: '5m', colour: 'red' })

// @ts-expect-error a codec must match the value type
cached('comment:<<id>>', fetchComment, { codec: {} as Codec<number> })

// @ts-expect-error a version must be a string, a number or a function returning one
cached('comment:<<id>>', fetchComment, { version: true })

// @ts-expect-error an unknown client option
createClient({ redsi: 'redis://127.0.0.1:6379' })

// @ts-expect-error a fetcher taking ctx still has its params checked against the template
cached('comment:<<id>>', async ({ commentId }: { commentId: string }, ctx) => {
  ctx.setTtl(1)
  return commentId
})

// @ts-expect-error a freshness option of the wrong type
cached('comment:<<id>>', fetchComment, { staleWhileRevalidate: true })

// @ts-expect-error earlyRefresh takes true or { beta }
cached('comment:<<id>>', fetchComment, { earlyRefresh: { beta: 'high' } })
