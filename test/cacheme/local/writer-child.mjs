// Another process writing the store the test reads through its local tier.
// env: REDIS_URL or CLUSTER_SEEDS, PREFIX.
import { serve, cacheTargetFromEnv } from '../../harness/child-runtime.mjs'
import { createClient, cached } from 'cacheme'

const client = createClient(cacheTargetFromEnv().options)
const store = cached('item:<<id>>', ({ id }) => ({ id, by: 'writer-fetch' }), { ttl: '1m', client })

serve({
  async set({ id, value }) {
    await store.set({ id }, value)
  },
  async invalidate({ id }) {
    await store.invalidate({ id })
  },
  async exit() {
    await client.close()
  },
})
