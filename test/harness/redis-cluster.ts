import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { Redis } from './ioredis.js'
import { startRedisServer, type RedisServer } from './redis-server.js'

const run = promisify(execFile)

export interface RedisClusterOptions {
  masters?: number
  replicasPerMaster?: number
  /** `--cluster-node-timeout` of every node (ms); default 3000. A private cluster for failovers uses less. */
  nodeTimeoutMs?: number
  /** More `redis-server` arguments for every node, e.g. `['--enable-debug-command', 'local']`. */
  args?: string[]
  /** Bound on waiting for cluster_state:ok on every node; default 60 s. */
  readyTimeoutMs?: number
}

export interface RedisCluster {
  /** Every node, masters first as they were created (then replicas, by redis-cli's assignment). */
  readonly nodes: RedisServer[]
  /** The nodes serving slots. */
  readonly masters: RedisServer[]
  /** `'127.0.0.1:PORT'` of every node, for `createClient({ cluster: seeds })`. */
  readonly seeds: string[]
  stop(): Promise<void>
}

/** Starts `masters * (1 + replicasPerMaster)` cluster-enabled servers and joins them. */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3
  const replicas = options.replicasPerMaster ?? 1
  if (masters < 3) throw new Error(`harness: a Redis Cluster needs at least 3 masters, got ${masters}`)
  const nodes: RedisServer[] = []
  try {
    for (let i = 0; i < masters * (1 + replicas); i++)
      nodes.push(
        await startRedisServer({
          cluster: true,
          ...(options.nodeTimeoutMs !== undefined ? { clusterNodeTimeoutMs: options.nodeTimeoutMs } : {}),
          ...(options.args ? { args: options.args } : {}),
        }),
      )
    const addresses = nodes.map((n) => `${n.host}:${n.port}`)
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'], {
      timeout: 60_000,
    }).catch((error: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`harness: redis-cli --cluster create failed: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`)
    })
    await waitUntilHealthy(nodes, options.readyTimeoutMs ?? 60_000)
    const masterPorts = await masterPortsOf(nodes[0]!)
    return {
      nodes,
      masters: nodes.filter((n) => masterPorts.has(n.port)),
      seeds: addresses,
      stop: () => stopAll(nodes),
    }
  } catch (error) {
    await stopAll(nodes)
    throw error
  }
}

async function stopAll(nodes: RedisServer[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.stop()))
}

/** Every node says cluster_state:ok, all 16384 slots assigned and every node known. */
async function waitUntilHealthy(nodes: RedisServer[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const connections = nodes.map((n) => new Redis({ host: n.host, port: n.port, lazyConnect: true, maxRetriesPerRequest: 1 }))
  let last = ''
  try {
    for (;;) {
      const infos = await Promise.all(connections.map((c) => c.cluster('INFO').catch((e: Error) => e.message)))
      const healthy = infos.every(
        (info) =>
          /cluster_state:ok/.test(info) &&
          /cluster_slots_assigned:16384/.test(info) &&
          new RegExp(`cluster_known_nodes:${nodes.length}\\b`).test(info),
      )
      if (healthy) return
      last = infos.join('\n---\n')
      if (Date.now() > deadline) throw new Error(`harness: cluster not healthy after ${timeoutMs} ms; CLUSTER INFO:\n${last}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    connections.forEach((c) => c.disconnect())
  }
}

async function masterPortsOf(node: RedisServer): Promise<Set<number>> {
  const redis = new Redis({ host: node.host, port: node.port })
  try {
    const text = (await redis.cluster('NODES')) as string
    const ports = new Set<number>()
    for (const line of text.split('\n')) {
      const [, address, flags] = line.split(' ')
      if (address && flags?.includes('master')) ports.add(Number(/:(\d+)@/.exec(address)![1]))
    }
    return ports
  } finally {
    redis.disconnect()
  }
}
