import { commandCounter } from '../support/command-count.mjs'
import { countingCluster, countingProxy } from '../support/servers.mjs'
import { median, summarize } from '../support/stats.mjs'
import { bookValue } from '../support/value.mjs'
import { slug } from './throughput.mjs'

export const BATCH = 100
const CALLS_PER_ROUND = 50

/**
 * (d) one batch read of 100 cached records, on a standalone server and on a 3-master cluster.
 * Every connection goes through a counting proxy (one per node), which counts round trips;
 * INFO commandstats counts the Redis commands a batch costs (MGET of 100 keys: 1; GETs: 100).
 * Contestants without a batch API read with Promise.all of get(), as their users would.
 */
export async function getMany({ contestants, standalone, cluster, rounds, log }) {
  const results = []
  const proxy = await countingProxy(standalone.port)
  const proxies = await countingCluster(cluster.seeds)
  try {
    for (const topology of ['standalone', 'cluster']) {
      const counter = topology === 'standalone' ? proxy : proxies
      const commands = await commandCounter(topology === 'standalone' ? [standalone] : cluster.masters)
      const where =
        topology === 'standalone'
          ? { url: `redis://127.0.0.1:${proxy.port}` }
          : { cluster: { seeds: proxies.seeds, natMap: proxies.clusterOptions.natMap } }
      for (const contestant of contestants) {
        const c = await contestant.open({
          ...where,
          prefix: `bench:d:${slug(contestant.name)}`,
          ttlSeconds: 3600,
          fetch: async (id) => bookValue(id),
        })
        const ids = Array.from({ length: BATCH }, (_, i) => i)
        const read = c.getMany ? () => c.getMany(ids) : () => Promise.all(ids.map((id) => c.get(id)))
        await Promise.all(ids.map((id) => c.get(id))) // fill
        for (let i = 0; i < 20; i++) await read() // warm
        const ms = []
        const roundTrips = []
        const nodes = []
        const commandsPerCall = []
        for (let r = 0; r < rounds; r++) {
          const times = []
          const commandsBefore = await commands.total()
          for (let i = 0; i < CALLS_PER_ROUND; i++) {
            counter.reset()
            const start = performance.now()
            const values = await read()
            times.push(performance.now() - start)
            if (values.length !== BATCH || values[7]?.id !== 7) throw new Error(`bench (d): ${contestant.name} read wrong values`)
            const perNode = topology === 'standalone' ? [proxy.roundTrips()] : [...proxies.busyNodes().values()]
            roundTrips.push(perNode.reduce((a, b) => a + b, 0))
            nodes.push(perNode.length)
          }
          ms.push(median(times))
          commandsPerCall.push(((await commands.total()) - commandsBefore) / CALLS_PER_ROUND)
        }
        await c.close()
        results.push({
          topology,
          contestant: contestant.name,
          baseline: !!contestant.baseline,
          batchApi: !!c.getMany,
          ms: summarize(ms),
          roundTrips: median(roundTrips),
          maxRoundTrips: Math.max(...roundTrips),
          nodes: median(nodes),
          commands: median(commandsPerCall),
        })
        log(`  d: ${topology}: ${contestant.name} done`)
      }
      await commands.close()
    }
  } finally {
    await proxy.close()
    await proxies.close()
  }
  return results
}
