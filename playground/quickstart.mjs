// A short tour on the embedded memory backend: watch MISS, FETCH, then HIT.
import { cached, configure } from 'cacheme'

configure({ logger: { log: (store, key, op) => console.log(`${op.padEnd(5)} ${store}  ${key}`) } })

const fetchComment = async ({ id }) => {
  await new Promise((resolve) => setTimeout(resolve, 50)) // a slow database
  return { id, text: `comment ${id}` }
}

const first = await cached('comment:<<id>>', fetchComment, '5m').get({ id: 1 })
const second = await cached('comment:<<id>>', fetchComment, '5m').get({ id: 1 })
console.log(first, second)
