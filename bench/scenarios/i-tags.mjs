import { randomUUID } from 'node:crypto'
import { cached, createClient } from 'cacheme'
import { commandCounter } from '../support/command-count.mjs'
import { Redis } from '../support/ioredis.mjs'
import { median } from '../support/stats.mjs'
import { bookValue } from '../support/value.mjs'

/** set() calls in flight at once while filling (one tick's sets go out as one pipeline per node). */
const FILL_BATCH = 2000
const COLD_GETS = 1000

/**
 * Issue 14's tag figures. Per topology and size N:
 * - fill: N keys of one store written by `store.set()` with one static tag (in batches of
 *   FILL_BATCH), µs per key;
 * - memory per tag membership: MEMORY USAGE (SAMPLES 0: every member) of every tag set of the
 *   tag, summed over the masters, ÷ N (on a cluster the tag has a set per slot: the sets' own
 *   overhead is counted in);
 * - invalidateTags([tag]): wall ms, the servers' CPU (INFO cpu deltas summed over the masters),
 *   and the count it resolved to (must be N).
 * Then what tags add to the write path (commands the servers ran per cold get, untagged, one
 * static tag, a tags function), and what a generation-counter design would add to every hit
 * (a hit reading one counter beside the value: MGET of 2 against GET, server CPU per hit).
 */
export async function tagCost({ standalone, cluster, sizes, log }) {
  const results = { invalidate: [], coldGets: [], hitCost: undefined }
  for (const [topology, list] of Object.entries(sizes)) {
    const servers = topology === 'standalone' ? [standalone] : cluster.masters
    const counter = await commandCounter(servers)
    const options = topology === 'standalone' ? { redis: standalone.url } : { cluster: cluster.seeds }
    const raw = topology === 'standalone' ? [new Redis(standalone.url)] : cluster.masters.map((m) => new Redis(m.port, m.host))
    try {
      for (const n of list) {
        const prefix = `bench:tags:${randomUUID().slice(0, 8)}`
        const client = createClient({ ...options, prefix, timeout: 60_000 })
        const store = cached('post:<<id>>', ({ id }) => bookValue(id), { client, ttl: '1h', tags: ['all-posts'] })
        try {
          await client.invalidateTags(['warm-up']) // scripts loaded, slots known
          await Promise.all(Array.from({ length: 200 }, (_, i) => store.set({ id: -1 - i }, bookValue(i))))
          await client.invalidateTags(['all-posts'])
          const t0 = performance.now()
          for (let from = 0; from < n; from += FILL_BATCH) {
            const batch = []
            for (let id = from; id < Math.min(n, from + FILL_BATCH); id++) batch.push(store.set({ id }, bookValue(id)))
            await Promise.all(batch)
          }
          const fillUs = ((performance.now() - t0) * 1000) / n
          let bytes = 0
          let sets = 0
          for (const r of raw) {
            for (const key of await scanAll(r, `${prefix}:~tag:*`)) {
              bytes += Number(await r.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'))
              sets++
            }
          }
          const cpuBefore = await counter.cpu()
          const t1 = performance.now()
          const removed = await client.invalidateTags(['all-posts'])
          const ms = performance.now() - t1
          const cpuMs = ((await counter.cpu()) - cpuBefore) / 1000
          if (removed !== n) throw new Error(`bench (tags): invalidateTags removed ${removed} of ${n}`)
          results.invalidate.push({ topology, n, fillUs, bytesPerMembership: bytes / n, sets, ms, serverCpuMs: cpuMs, removed })
          log(`  tags: ${topology} ${n}: invalidateTags ${ms.toFixed(1)} ms, ${(bytes / n).toFixed(1)} B per membership`)
        } finally {
          await client.close()
        }
      }

      // What the tags add to a cold get, in commands the servers ran (scripts' inner calls included).
      const stores = [
        ['no tags', undefined],
        ['1 static tag shared by every key', ['posts']],
        ['1 static tag per key (`post:<<id>>`: a new set each time)', ['post:<<id>>']],
        ['a tags function (1 tag, by author: 97 sets)', (_, v) => [`author:${v.author.id}`]],
      ]
      for (const [label, tags] of stores) {
        const client = createClient({ ...options, prefix: `bench:tags:${randomUUID().slice(0, 8)}` })
        const store = cached('cold:<<id>>', ({ id }) => bookValue(id), { client, ttl: '1h', ...(tags ? { tags } : {}) })
        try {
          for (let i = 0; i < 100; i++) await store.get({ id: 1_000_000 + i })
          const before = await counter.total()
          const cpuBefore = await counter.cpu()
          for (let i = 0; i < COLD_GETS; i++) await store.get({ id: i })
          const commands = ((await counter.total()) - before) / COLD_GETS
          const cpuUs = ((await counter.cpu()) - cpuBefore) / COLD_GETS
          results.coldGets.push({ topology, label, commands, serverCpuUs: cpuUs })
        } finally {
          await client.close()
        }
      }
    } finally {
      for (const r of raw) r.disconnect()
      await counter.close()
    }
  }

  // The alternative design's read cost: a hit that must also read a tag's generation counter.
  const redis = new Redis(standalone.url)
  const counter = await commandCounter([standalone])
  try {
    const key = `bench:tags:hit:${randomUUID()}`
    await redis.set(key, Buffer.alloc(190, 1))
    await redis.set(`${key}:gen`, '17')
    const rounds = { get: [], mget: [] }
    for (let r = 0; r < 5; r++) {
      for (const kind of ['get', 'mget']) {
        const before = await counter.cpu()
        for (let i = 0; i < 5000; i++) await (kind === 'get' ? redis.getBuffer(key) : redis.mgetBuffer(key, `${key}:gen`))
        rounds[kind].push(((await counter.cpu()) - before) / 5000)
      }
    }
    results.hitCost = { getUs: median(rounds.get), mgetUs: median(rounds.mget) }
  } finally {
    redis.disconnect()
    await counter.close()
  }
  return results
}

async function scanAll(redis, pattern) {
  const keys = []
  let cursor = '0'
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    keys.push(...found)
  } while (cursor !== '0')
  return keys
}
