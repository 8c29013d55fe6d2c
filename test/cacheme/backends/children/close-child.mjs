// A process with one cacheme client on REDIS_URL (timeout TIMEOUT_MS), driven over IPC by
// test/cacheme/backends/redis-close.test.ts: `get` makes a lookup, `close` times client.close().
import { serve } from '../../../harness/child-runtime.mjs'
import { createClient, cached } from 'cacheme'

const client = createClient({ redis: process.env.REDIS_URL, prefix: process.env.PREFIX, timeout: Number(process.env.TIMEOUT_MS) })
const store = cached('item:<<id>>', ({ id }) => ({ id }), { ttl: 60, client, name: 'item' })

serve({
  async get({ id }) {
    return store.get({ id })
  },
  async stats() {
    return client.stats().total
  },
  async close() {
    const started = performance.now()
    await client.close()
    return Math.round(performance.now() - started)
  },
})
