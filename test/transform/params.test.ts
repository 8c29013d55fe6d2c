import { expect, test } from 'vitest'
import { formatDiagnostic, transform } from '@cacheme/transform'

const HEAD = "import { cached } from 'cacheme'\nimport { fetchPosts } from './db.js'\n"
const errorsOf = (line: string, name = 'm.ts') => (transform(`${HEAD}${line}\n`, name)?.diagnostics ?? []).map(formatDiagnostic)

test('an unknown property of object-literal params is a build error at the property, with the placeholder it is nearest', () => {
  expect(errorsOf("await cached<Post[]>('user:<<userId>>:posts', fetchPosts).get({ userID: 1 })")).toEqual([
    "m.ts:3:65: cacheme: 'userID' is not a placeholder of 'user:<<userId>>:posts'; did you mean 'userId'?",
  ])
  expect(errorsOf("cached('a:<<id>>', fetchPosts).get({ id: 1, page: 2 })")).toEqual([
    "m.ts:3:45: cacheme: 'page' is not a placeholder of 'a:<<id>>'; its placeholders are 'id'",
  ])
  expect(errorsOf("cached('config', fetchPosts).get({ id: 1 })")).toEqual([
    "m.ts:3:36: cacheme: 'id' is not a placeholder of 'config'; the template has no placeholders",
  ])
})

test('a missing placeholder is a build error at the params object', () => {
  expect(errorsOf("cached('c:<<a>>:<<b>>', fetchPosts).get({ a: 1 })")).toEqual([
    "m.ts:3:41: cacheme: params of 'c:<<a>>:<<b>>' lack 'b'; got 'a'",
  ])
  expect(errorsOf("cached('c:<<a>>', fetchPosts).key({})")).toEqual(["m.ts:3:35: cacheme: params of 'c:<<a>>' lack 'a'; got none"])
})

test('every method taking params is checked: getMany element by element, getP its second argument, set its first', () => {
  expect(errorsOf("cached('u:<<id>>', fetchPosts).getMany([{ id: 1 }, { idd: 2 }])")).toEqual([
    "m.ts:3:54: cacheme: 'idd' is not a placeholder of 'u:<<id>>'; did you mean 'id'?",
  ])
  expect(errorsOf("cached('u:<<id>>', fetchPosts).getP(pipeline, { ID: 2 })")).toEqual([
    "m.ts:3:49: cacheme: 'ID' is not a placeholder of 'u:<<id>>'; did you mean 'id'?",
  ])
  expect(errorsOf("cached('u:<<id>>', fetchPosts).set({ uid: 2 }, value)")).toEqual([
    "m.ts:3:38: cacheme: 'uid' is not a placeholder of 'u:<<id>>'; did you mean 'id'?",
  ])
})

test('what the build cannot see is left to the types and the runtime: spreads, computed keys, variables, stores kept in a variable', () => {
  expect(errorsOf("cached('u:<<id>>:<<p>>', fetchPosts).get({ ...base, id: 1 })")).toEqual([])
  expect(errorsOf("cached('u:<<id>>', fetchPosts).get({ [key]: 1 })")).toEqual([])
  expect(errorsOf("cached('u:<<id>>', fetchPosts).get(params)")).toEqual([])
  expect(errorsOf("const s = cached('u:<<id>>', fetchPosts); s.get({ idd: 1 })")).toEqual([])
  // Shorthand properties and quoted keys are plain properties.
  expect(errorsOf("const id = 1; cached('u:<<id>>:<<p>>', fetchPosts).get({ id, 'p': 2 })")).toEqual([])
  // A spread still can't make an unknown name a placeholder.
  expect(errorsOf("cached('u:<<id>>', fetchPosts).get({ ...base, idd: 1 })")).toEqual([
    "m.ts:3:47: cacheme: 'idd' is not a placeholder of 'u:<<id>>'; did you mean 'id'?",
  ])
})
