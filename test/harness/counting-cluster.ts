import { startCountingProxy, type CountingProxy } from './counting-proxy.js'

export interface CountingCluster {
  /** Proxy addresses to use as seeds instead of the real nodes. */
  readonly seeds: string[]
  /**
   * ioredis cluster options that route every node connection through its proxy (`natMap`
   * rewrites the addresses nodes announce) and turn off the periodic slot refresh, so the
   * counts hold only the commands the test causes.
   */
  readonly clusterOptions: { natMap: Record<string, { host: string; port: number }>; slotsRefreshInterval: number }
  /** Round trips per real node address ('127.0.0.1:PORT'), nodes without traffic included. */
  roundTrips(): Map<string, number>
  /** Only the nodes that had at least one round trip. */
  busyNodes(): Map<string, number>
  reset(): void
  close(): Promise<void>
}

/** One counting proxy per cluster node, so round trips can be counted per node. */
export async function startCountingCluster(seeds: readonly string[]): Promise<CountingCluster> {
  const proxies = new Map<string, CountingProxy>()
  for (const seed of seeds) {
    const [host, port] = splitAddress(seed)
    proxies.set(seed, await startCountingProxy(port, host))
  }
  const natMap: Record<string, { host: string; port: number }> = {}
  for (const [seed, proxy] of proxies) natMap[seed] = { host: '127.0.0.1', port: proxy.port }
  const roundTrips = () => new Map([...proxies].map(([seed, proxy]) => [seed, proxy.roundTrips()]))
  return {
    seeds: [...proxies.values()].map((p) => `127.0.0.1:${p.port}`),
    clusterOptions: { natMap, slotsRefreshInterval: 0 },
    roundTrips,
    busyNodes: () => new Map([...roundTrips()].filter(([, n]) => n > 0)),
    reset: () => proxies.forEach((p) => p.reset()),
    close: async () => {
      await Promise.all([...proxies.values()].map((p) => p.close()))
    },
  }
}

function splitAddress(address: string): [string, number] {
  const match = /^(.+):(\d+)$/.exec(address)
  if (!match) throw new Error(`harness: '${address}' is not 'host:port'`)
  return [match[1]!, Number(match[2])]
}
