// One fixture app for every host: each kind of call site the compiler rewrites, run against
// Redis. Built with and without unplugin-cacheme / ts-patch, it must log and store the same.
import { cached, configure, pipeline } from 'cacheme'
import { cached as memo } from 'cacheme'
import * as cacheme from 'cacheme'
import { calls, fetchBook, fetchComment, fetchUser } from './db.js'

const BOOK_VERSION = 3

export async function run(url, prefix) {
  const lines = []
  const client = configure({ redis: url, prefix, logger: { log: (store, key, op) => lines.push(`${store} ${key} ${op}`) } })
  try {
    const values = []
    values.push(await cached('comment:<<id>>', fetchComment, '5m').get({ id: '1' }))
    values.push(await cached('comment:<<id>>', fetchComment, '5m').get({ id: '1' }))
    values.push(await memo('user:<<userID>>', fetchUser, { ttl: '1h', name: 'User' }).getMany([{ userID: 'a' }, { userID: 'b' }, { userID: 'a' }]))
    const p = pipeline()
    const user = cacheme.cached('user:<<userID>>', fetchUser, { ttl: '1h', name: 'User' }).getP(p, { userID: 'c' })
    const comment = cached('comment:<<id>>', fetchComment, '5m').getP(p, { id: '2' })
    await p.execute()
    values.push(await user, await comment)
    values.push(await books(2).get({ categoryID: 1, bookID: 3 }))
    values.push(await byLocalFetcher('a b/c'))
    values.push(await cached('config', loadConfig, { codec: 'json', lock: false, singleflight: false }).get())
    values.push(await cached('edition:<<id>>', async ({ id }) => ({ id, edition: BOOK_VERSION }), { version: () => BOOK_VERSION * 2 }).get({ id: 'e' }))
    values.push(shadowed('settings:<<x>>'))
    const kind = 'dynamic'
    values.push(await cached(`${kind}:<<id>>`, fetchComment).get({ id: '9' }))
    values.push(errorOf(() => cached('comment:<<id>>', fetchComment, '5m').key(Object.create(null))))
    values.push(errorOf(() => cached('comment:<<id>>', fetchComment, '5m').key('1')))
    values.push(errorOf(() => cached('config', loadConfig, { codec: 'json', lock: false, singleflight: false }).key(7)))
    values.push(cached('comment:<<id>>', fetchComment, '5m').name, memo('user:<<userID>>', fetchUser, { ttl: '1h', name: 'User' }).name)
    return { values, lines, calls }
  } finally {
    await client.close()
  }
}

function books(edition) {
  return cached('category:<<categoryID>>:book:<<bookID>>', fetchBook, {
    ttl: '1h',
    version: () => BOOK_VERSION * 10 + edition,
    name: 'Book',
  })
}

async function byLocalFetcher(id) {
  const local = async (params) => ({ local: params.id })
  return cached('local:<<id>>', local, { ttl: 30, singleflight: true }).get({ id })
}

function shadowed(template) {
  const cached = (t) => `not a store: ${t}`
  return cached(template)
}

async function loadConfig() {
  return { theme: 'dark' }
}

function errorOf(fn) {
  try {
    fn()
    return 'no error'
  } catch (error) {
    return `${error.name}: ${error.message}`
  }
}

/**
 * Throws inside a fetcher of this (transformed) module, for the source-map test: an inline
 * fetcher that reads only module-level bindings, so the build moves it to the hoisted store.
 */
export async function explode(url, prefix) {
  const client = configure({ redis: url, prefix })
  try {
    return await cached('boom:<<id>>', async ({ id }) => {
      throw new Error(`boom from the fetcher of ${id} in ${BOOK_VERSION}`)
    }).get({ id: '1' })
  } finally {
    await client.close()
  }
}
