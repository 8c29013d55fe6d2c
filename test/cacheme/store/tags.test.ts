import { expect, test } from 'vitest'
import { cached } from 'cacheme'
import { StoreTags, checkTagList, pendingFills, tagSet } from '../../../packages/cacheme/dist/store/tags.js'

test('static tags: placeholders filled from the params as a key fills them; no two param values give one tag', () => {
  const tags = new StoreTags(['posts', 'author:<<authorID>>', 'pair:<<authorID>>-<<id>>'], 's', 'p:<<authorID>>:<<id>>', ['authorID', 'id'])
  const of = (authorID: string | number, id: string | number) => tags.of('pre', { authorID, id }).marker.map((set) => set.tail)
  expect(of(42, 7)).toEqual(['posts', 'author:42', 'pair:42-7'])
  expect(tags.of('pre', { authorID: 1, id: 2 }).marker[0]).toEqual({ head: 'pre:~tag:', tail: 'posts' })
  // 'a-b' can't be written plain before a '-': ('a-b', 'c') and ('a', 'b-c') stay apart.
  expect(of('a-b', 'c')[2]).not.toBe(of('a', 'b-c')[2])
  expect(of('a b', 1)[1]).toMatch(/^author:~/)
  const seen = new Map<string, string>()
  for (const a of ['1', '12', 'a', 'a-b', 'b-', '-', '~1~x', 'x y', '\uD800', '\uFFFD']) {
    for (const b of ['2', '23', 'c', 'b-c', '', '.']) {
      const tag = of(a, b === '' ? 0 : b)[2]!
      const earlier = seen.get(tag)
      expect(earlier === undefined || earlier === `${a}|${b}`).toBe(true)
      seen.set(tag, `${a}|${b}`)
    }
  }
  // The value's tags are the marker's.
  expect(tags.of('pre', { authorID: 1, id: 2 }).value('v')).toEqual({ tags: tags.of('pre', { authorID: 1, id: 2 }).marker })
})

test("a tags function: the marker goes in the client's pending fills, the value's tags come from the function", () => {
  const tags = new StoreTags(
    (params: { id: number }, value: { lang: string }) => [`lang:${value.lang}`, `id:${params.id}`],
    's',
    'p:<<id>>',
    ['id'],
  )
  const keyTags = tags.of('pre', { id: 3 })
  expect(keyTags.marker).toEqual([pendingFills('pre')])
  expect(keyTags.value({ lang: 'en' })).toEqual({ tags: [tagSet('pre', 'lang:en'), tagSet('pre', 'id:3')], pending: pendingFills('pre') })
  expect(tags.valueTags('pre', { id: 3 }, { lang: 'de' })).toEqual([tagSet('pre', 'lang:de'), tagSet('pre', 'id:3')])
  const bad = new StoreTags(() => ['ok', ''], 'posts', 'p:<<id>>', ['id'])
  expect(() => bad.valueTags('pre', { id: 1 }, 1)).toThrow(
    'cacheme: the tags function of \'posts\' must return an array of non-empty strings; tag 1 is ""',
  )
  const notArray = new StoreTags(() => 'x', 'posts', 'p:<<id>>', ['id'])
  expect(() => notArray.of('pre', { id: 1 }).value(1)).toThrow('must return an array of non-empty strings, got "x"')
})

test('the option is checked when the store is built, naming the bad value', () => {
  const fetch = ({ authorID }: { authorID: number }) => authorID
  expect(() => cached('p:<<authorID>>', fetch, { tags: 'posts' as never })).toThrow(
    'cacheme: tags of \'p:<<authorID>>\' must be an array of tags or a function (params, value) => tags, got "posts"',
  )
  expect(() => cached('p:<<authorID>>', fetch, { tags: ['ok', 3 as never] })).toThrow('tag 1 is number 3')
  expect(() => cached('p:<<authorID>>', fetch, { tags: [''] })).toThrow('tag 0 is ""')
  expect(() => cached('p:<<authorID>>', fetch, { tags: ['author:<<authorId>>'] })).toThrow(
    "cacheme: tag 'author:<<authorId>>' of 'p:<<authorID>>' has placeholder '<<authorId>>', which is not one of the template's; did you mean '<<authorID>>'?",
  )
  expect(() => cached('plain', () => 1, { tags: ['x:<<id>>'] })).toThrow('the template has no placeholders')
  expect(() => cached('p:<<authorID>>', fetch, { tags: ['a:<<id'] })).toThrow("template 'a:<<id' has an unclosed '<<'")
  expect(() => cached('p:<<authorID>>', fetch, { tags: ['author:<<authorID>>'], name: 'x' })).not.toThrow()
})

test('checkTagList', () => {
  expect(checkTagList(['a'], 'w', 'e')).toEqual(['a'])
  expect(() => checkTagList(null, 'the tags of x', 'an array')).toThrow('cacheme: the tags of x must be an array, got null')
})
