// The contestants of the freshness bench (bench/freshness.mjs): cacheme without and with its
// freshness options, and bentocache with and without grace (its stale-while-revalidate: with
// `grace` and the default soft `timeout` of 0 it returns the graced value at once and refreshes
// in the background). Each reads Redis only (no memory tier), like the main bench's contestants.
//
//   const c = await variant.open({ url, prefix, ttl, fetch })   // fetch(id) → value
//   await c.get(id); await c.close()
import { cached, createClient } from 'cacheme'
import { Redis } from '../support/ioredis.mjs'

function cachemeVariant(name, options) {
  return {
    name,
    async open({ url, prefix, ttl, fetch }) {
      const client = createClient({ redis: url, prefix })
      const store = cached('fresh:<<id>>', ({ id }) => fetch(id), { ttl, ...options, client })
      return { get: (id) => store.get({ id }), close: () => client.close() }
    },
  }
}

function bentoVariant(name, options) {
  return {
    name,
    async open({ url, prefix, ttl, fetch }) {
      const { BentoCache, bentostore } = await import('bentocache')
      const { redisDriver } = await import('bentocache/drivers/redis')
      const connection = new Redis(url, { enableAutoPipelining: true })
      const bento = new BentoCache({ default: 'redis', prefix, stores: { redis: bentostore().useL2Layer(redisDriver({ connection })) } })
      return {
        get: (id) => bento.getOrSet({ key: String(id), ttl, ...options, factory: () => fetch(id) }),
        close: async () => {
          await bento.disconnectAll()
        },
      }
    },
  }
}

export const hitOnly = cachemeVariant('cacheme, hit (never expires)', {})
export const variants = [
  cachemeVariant('cacheme, no staleWhileRevalidate', {}),
  cachemeVariant('cacheme, staleWhileRevalidate', { staleWhileRevalidate: '1m' }),
  cachemeVariant('cacheme, earlyRefresh', { earlyRefresh: true }),
  cachemeVariant('cacheme, staleWhileRevalidate + earlyRefresh', { staleWhileRevalidate: '1m', earlyRefresh: true }),
  bentoVariant('bentocache, no grace', {}),
  bentoVariant('bentocache, grace (stale-while-revalidate)', { grace: '1m' }),
]
export const all = [hitOnly, ...variants]
