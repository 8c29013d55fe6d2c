// Store option `tags` and invalidateTags(): static tags, or a function typed by the store's params and value.
import { cached, createClient, invalidateTags, type Client, type TagsOption } from 'cacheme'
import { expectType, type Equal } from './assert.js'

interface Post {
  id: number
  authorID: number
  topics: string[]
}

declare function fetchPost(params: { authorID: number; id: number }): Promise<Post>

export async function tags(client: Client): Promise<void> {
  cached('post:<<authorID>>:<<id>>', fetchPost, { ttl: '5m', tags: ['posts', 'author:<<authorID>>'] })
  const readonlyTags = ['posts'] as const
  cached('post:<<authorID>>:<<id>>', fetchPost, { tags: readonlyTags })

  // The function gets the store's params and the fetched value, typed.
  cached('post:<<authorID>>:<<id>>', fetchPost, {
    tags: (params, post) => {
      expectType<Equal<typeof params, { authorID: number; id: number }>>(true)
      expectType<Equal<typeof post, Post>>(true)
      return post.topics.map((topic) => `topic:${topic}`)
    },
  })
  // The inferred-params form: params from the template.
  cached('feed:<<day>>', () => [1, 2], { tags: ({ day }, value) => [`day:${day}`, `n:${value.length}`] })
  // The explicit form.
  cached<Post>('p:<<id>>', () => fetchPost({ authorID: 1, id: 1 }), { tags: (params) => [`p:${params.id}`] })

  // @ts-expect-error tags are strings
  cached('post:<<authorID>>:<<id>>', fetchPost, { tags: [42] })
  // @ts-expect-error a tags function returns the tags
  cached('post:<<authorID>>:<<id>>', fetchPost, { tags: (params) => params.id })
  // @ts-expect-error the value has no such property
  cached('post:<<authorID>>:<<id>>', fetchPost, { tags: (_, post) => [post.title] })

  const removed = await client.invalidateTags(['posts', 'author:42'])
  expectType<Equal<typeof removed, number>>(true)
  const byDefault = await invalidateTags(['posts'])
  expectType<Equal<typeof byDefault, number>>(true)
  // @ts-expect-error an array of tags, not one
  await client.invalidateTags('posts')
  const option: TagsOption<{ id: number }, Post> = (params, post) => [`${params.id}:${post.authorID}`]
  ;(void option, createClient)
}
