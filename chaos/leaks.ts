// What a scenario leaves behind on the servers: lock markers in value keys, and subscriptions
// (PUBSUB channels and shard channels, and CLIENT LIST's sub / psub / ssub counts).
import { Redis } from '../test/harness/ioredis.js'

type Node = { host: string; port: number }

/** The bytes every lock marker starts with: the frame header 0xC1 'cm' 1 'l' (README, "Values and codecs"). */
const MARKER_PREFIX = Buffer.from([0xc1, 0x63, 0x6d, 0x01, 0x6c])

async function onNode<T>(node: Node, act: (r: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    host: node.host,
    port: node.port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    commandTimeout: 5000,
  })
  redis.on('error', () => {})
  try {
    await redis.connect()
    return await act(redis)
  } finally {
    redis.disconnect()
  }
}

/** Keys under `prefix` on `masters` whose value is a lock marker. */
export async function markersLeft(masters: Node[], prefix: string): Promise<number> {
  let found = 0
  for (const node of masters) {
    found += await onNode(node, async (r) => {
      let n = 0
      let cursor = '0'
      let rounds = 0
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
        cursor = next
        for (const key of keys) {
          const value = await r.getBuffer(key).catch(() => null)
          if (value && value.subarray(0, MARKER_PREFIX.length).equals(MARKER_PREFIX)) n++
        }
      } while (cursor !== '0' && ++rounds < 10_000)
      return n
    })
  }
  return found
}

export interface Subscriptions {
  channels: number
  shardChannels: number
  /** Sum of sub + psub + ssub over every client connection. */
  clientSubscriptions: number
}

export async function subscriptions(nodes: Node[]): Promise<Subscriptions> {
  const total: Subscriptions = { channels: 0, shardChannels: 0, clientSubscriptions: 0 }
  for (const node of nodes) {
    await onNode(node, async (r) => {
      total.channels += ((await r.call('PUBSUB', 'CHANNELS')) as string[]).length
      total.shardChannels += ((await r.call('PUBSUB', 'SHARDCHANNELS')) as string[]).length
      for (const line of ((await r.client('LIST')) as string).split('\n')) {
        for (const field of ['sub', 'psub', 'ssub']) {
          const match = new RegExp(`(?:^| )${field}=(\\d+)`).exec(line)
          if (match) total.clientSubscriptions += Number(match[1])
        }
      }
    })
  }
  return total
}

/**
 * Subscriptions once the load has stopped: polled (every 100 ms, at most `settleMs`) until zero,
 * so an unsubscribe still on its way is not counted; what remains after that is a leak.
 */
export async function subscriptionsLeft(nodes: Node[], settleMs = 3000): Promise<Subscriptions> {
  const deadline = Date.now() + settleMs
  for (;;) {
    const now = await subscriptions(nodes)
    const zero = now.channels + now.shardChannels + now.clientSubscriptions === 0
    if (zero || Date.now() > deadline) return now
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
