import { setTimeout as sleep } from 'node:timers/promises'
import { cacheme } from '../contestants.mjs'
import { commandCounter } from '../support/command-count.mjs'
import { startCommandCluster, startCommandProxy } from '../support/command-proxy.mjs'
import { Cluster, Redis } from '../support/ioredis.mjs'
import { median, percentile, summarize } from '../support/stats.mjs'
import { bookValue, codec } from '../support/value.mjs'

export const COLD_KEYS = 2000
export const FETCH_DELAY_MS = 1
/** Cold gets, one at a time through the command proxy, that count round trips and commands sent. */
const SAMPLE = 100
const WARM = 200
const TTL_SECONDS = 3600
export const HAND_ROLLED = 'hand-rolled cache-aside'

/**
 * Issue 12's baseline: cache-aside by hand with ioredis. GET; on a miss fetch, SET PX (awaited,
 * as an application does before it answers), return. Same codec as cacheme (support/value.mjs).
 */
const handRolled = {
  name: HAND_ROLLED,
  async open({ url, cluster, prefix, ttlSeconds, fetch }) {
    const redis = cluster
      ? new Cluster(cluster.seeds, cluster.natMap ? { natMap: cluster.natMap, slotsRefreshInterval: 0 } : {})
      : new Redis(url)
    return {
      async get(id) {
        const key = `${prefix}:${id}`
        const bytes = await redis.getBuffer(key)
        if (bytes !== null) return codec.decode(bytes)
        const value = await fetch(id)
        await redis.set(key, codec.encode(value), 'PX', ttlSeconds * 1000)
        return value
      },
      close: () => redis.quit(),
    }
  },
}

/**
 * Issue 12's cold pass: each contestant reads COLD_KEYS keys that are not in Redis, one get at a
 * time (as a cold pass of requests over a service does), with a fetcher that takes
 * FETCH_DELAY_MS, so both pay the same source cost. Per topology (standalone, 3-master cluster):
 *
 * - timed passes on direct connections, rounds interleaved (fresh keys every round): ms per get
 *   (the pass's time / keys), p50/p99 of each get, the Redis servers' CPU per get (INFO cpu
 *   used_cpu_sys + used_cpu_user deltas, summed over the masters), the time spent in commands
 *   (commandstats usec), the commands the servers executed (scripts' inner calls included) and
 *   this process's CPU per get;
 * - a sample of SAMPLE cold gets through a command proxy in front of every node: round trips
 *   before the value is returned (counted when the get resolves), round trips in all (counted
 *   20 ms later: work after the value was returned) and the commands sent, by name.
 */
export async function coldPass({ standalone, cluster, rounds, log, topologies = ['standalone', 'cluster'] }) {
  const results = []
  const fetches = { count: 0 }
  const fetch = async (id) => {
    fetches.count++
    await sleep(FETCH_DELAY_MS)
    return bookValue(id)
  }
  for (const topology of topologies) {
    const servers = topology === 'standalone' ? [standalone] : cluster.masters
    const proxy = topology === 'standalone' ? await startCommandProxy(standalone.port) : await startCommandCluster(cluster.seeds)
    const counter = await commandCounter(servers)
    const direct = topology === 'standalone' ? { url: standalone.url } : { cluster: { seeds: cluster.seeds } }
    const proxied =
      topology === 'standalone' ? { url: `redis://127.0.0.1:${proxy.port}` } : { cluster: { seeds: proxy.seeds, natMap: proxy.natMap } }
    try {
      const entries = []
      for (const contestant of [handRolled, cacheme]) {
        const tag = contestant === cacheme ? 'cm' : 'hr'
        const c = await contestant.open({ ...direct, prefix: `bench:cold:${topology}:${tag}`, ttlSeconds: TTL_SECONDS, fetch })
        const p = await contestant.open({ ...proxied, prefix: `bench:cold:${topology}:${tag}:sample`, ttlSeconds: TTL_SECONDS, fetch })
        // Warm up both connections on cold keys of their own: scripts loaded (EVALSHA's first
        // NOSCRIPT answered), the cluster's slots known, the JIT warm.
        for (let i = 0; i < WARM; i++) {
          await c.get(10_000_000 + i)
          await p.get(10_000_000 + i)
        }
        entries.push({
          contestant,
          c,
          p,
          ms: [],
          p50: [],
          p99: [],
          serverCpu: [],
          usec: [],
          executed: [],
          executedNames: {},
          clientCpu: [],
          fetchesPerGet: [],
        })
      }

      // Round trips and commands sent, per cold get.
      for (const e of entries) {
        const before = []
        const total = []
        const sent = []
        const names = new Map()
        for (let i = 0; i < SAMPLE; i++) {
          proxy.reset()
          const value = await e.p.get(i)
          before.push(proxy.roundTrips())
          if (value?.id !== i) throw new Error(`bench (cold): ${e.contestant.name} returned ${JSON.stringify(value)} for ${i}`)
          await sleep(20)
          total.push(proxy.roundTrips())
          let n = 0
          for (const [name, count] of proxy.commands()) {
            n += count
            names.set(name, (names.get(name) ?? 0) + count)
          }
          sent.push(n)
        }
        e.roundTripsBefore = { median: median(before), max: Math.max(...before) }
        e.roundTripsTotal = { median: median(total), max: Math.max(...total) }
        e.commandsSent = { median: median(sent), max: Math.max(...sent) }
        e.commandNames = Object.fromEntries([...names].map(([name, n]) => [name, n / SAMPLE]))
      }

      for (let r = 0; r < rounds; r++) {
        // Alternate the order, so neither always runs first after the other's writes.
        for (const e of r % 2 ? [...entries].reverse() : entries) {
          globalThis.gc?.()
          const from = (r + 1) * 100_000
          const latencies = new Float64Array(COLD_KEYS)
          const fetchesBefore = fetches.count
          const executedBefore = await counter.byName()
          const usecBefore = await counter.usec()
          const cpuBefore = await counter.cpu()
          const clientBefore = process.cpuUsage()
          const t0 = performance.now()
          for (let i = 0; i < COLD_KEYS; i++) {
            const start = performance.now()
            const value = await e.c.get(from + i)
            latencies[i] = performance.now() - start
            if (value?.id !== from + i)
              throw new Error(`bench (cold): ${e.contestant.name} returned ${JSON.stringify(value)} for ${from + i}`)
          }
          const elapsed = performance.now() - t0
          const client = process.cpuUsage(clientBefore)
          const cpu = (await counter.cpu()) - cpuBefore
          e.ms.push(elapsed / COLD_KEYS)
          e.p50.push(percentile(latencies, 50))
          e.p99.push(percentile(latencies, 99))
          e.serverCpu.push(cpu / COLD_KEYS)
          e.usec.push(((await counter.usec()) - usecBefore) / COLD_KEYS)
          // commandstats counts the INFO/commandstats reads above as non-data: not included.
          const executed = await counter.byName()
          let sum = 0
          for (const [name, n] of executed) {
            const delta = (n - (executedBefore.get(name) ?? 0)) / COLD_KEYS
            if (delta > 0) {
              sum += delta
              e.executedNames[name] = (e.executedNames[name] ?? 0) + delta / rounds
            }
          }
          e.executed.push(sum)
          e.clientCpu.push((client.user + client.system) / COLD_KEYS)
          e.fetchesPerGet.push((fetches.count - fetchesBefore) / COLD_KEYS)
        }
        log(`  cold pass: ${topology}: round ${r + 1}/${rounds} done`)
      }
      for (const e of entries) {
        await e.c.close()
        await e.p.close()
        results.push({
          topology,
          contestant: e.contestant.name,
          baseline: e.contestant === handRolled,
          msPerGet: summarize(e.ms),
          p50Ms: summarize(e.p50),
          p99Ms: summarize(e.p99),
          serverCpuUsPerGet: summarize(e.serverCpu),
          commandUsPerGet: summarize(e.usec),
          executedPerGet: median(e.executed),
          executedNames: e.executedNames,
          clientCpuUsPerGet: summarize(e.clientCpu),
          fetchesPerGet: median(e.fetchesPerGet),
          roundTripsBefore: e.roundTripsBefore,
          roundTripsTotal: e.roundTripsTotal,
          commandsSent: e.commandsSent,
          commandNames: e.commandNames,
        })
      }
    } finally {
      await counter.close()
      await proxy.close()
    }
  }
  return results
}
