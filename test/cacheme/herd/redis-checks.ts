import { inject } from 'vitest'
import { Cluster, Redis } from '../../harness/ioredis.js'

export type Topology = 'standalone' | 'cluster'

/** A plain ioredis connection to the run's standalone server or cluster, for inspecting it. */
export function inspector(topology: Topology): Redis | Cluster {
  const { standalone, cluster } = inject('redis')
  return topology === 'standalone' ? new Redis(standalone.url) : new Cluster(cluster.seeds)
}

/** The env a child needs to reach the run's standalone server or cluster. */
export function connectionEnv(topology: Topology): Record<string, string> {
  const { standalone, cluster } = inject('redis')
  return topology === 'standalone' ? { REDIS_URL: standalone.url } : { CLUSTER_SEEDS: cluster.seeds.join(',') }
}

function masters(redis: Redis | Cluster): Redis[] {
  return (redis as Cluster).isCluster ? (redis as Cluster).nodes('master') : [redis as Redis]
}

const MARKER_PREFIX = Buffer.from('\x00\xffcacheme-lock:', 'latin1')

/** Keys under `prefix` that hold a lock marker. */
export async function markersLeft(redis: Redis | Cluster, prefix: string): Promise<string[]> {
  const found: string[] = []
  for (const node of masters(redis)) {
    let cursor = '0'
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      for (const key of keys) {
        const value = await node.getBuffer(key).catch(() => null)
        if (value && value.subarray(0, MARKER_PREFIX.length).equals(MARKER_PREFIX)) found.push(key)
      }
    } while (cursor !== '0')
  }
  return found
}

/** Subscribers of a key's channel, summed over every master (plain and sharded pub/sub). */
export async function subscribers(redis: Redis | Cluster, channel: string): Promise<number> {
  let total = 0
  for (const node of masters(redis)) {
    const plain = (await node.call('PUBSUB', 'NUMSUB', channel)) as [string, number]
    const sharded = (await node.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number]
    total += Number(plain[1]) + Number(sharded[1])
  }
  return total
}

/** Polls `check` until it returns true, at most `timeoutMs`; fails naming `what`. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
