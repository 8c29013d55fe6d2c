// Faults of a Redis Cluster node, on a private cluster (`startFaultCluster`): a hung master
// (DEBUG SLEEP), a killed master (SIGKILL), the replica's promotion, a manual CLUSTER FAILOVER,
// and slot migration (one slot slowly, or a reshard of many). Waits poll the servers' own state
// (CLUSTER SLOTS, ROLE) with a bound; nothing waits a fixed time.
import { Redis } from './ioredis.js'
import { startRedisCluster, type RedisCluster, type RedisClusterOptions } from './redis-cluster.js'
import type { RedisServer } from './redis-server.js'

type Node = Pick<RedisServer, 'host' | 'port'>

/**
 * A private cluster for fault tests: DEBUG is enabled (from 127.0.0.1 only), a silent master
 * is failed over after `nodeTimeoutMs` (default 1000 ms; the run's shared cluster uses 3000), and
 * the other masters go on serving their slots meanwhile (cluster-require-full-coverage no).
 */
export async function startFaultCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const cluster = await startRedisCluster({
    nodeTimeoutMs: 1000,
    ...options,
    // A replica that has not finished its first sync is not promoted: start the transfer at
    // once (default: a 5 s wait for more replicas), then wait for every replica's link.
    // Redis's default cluster-require-full-coverage yes makes *every* node refuse every command
    // (CLUSTERDOWN) while one master is down and not yet failed over: no client can keep the other
    // masters' keys then. Fault isolation needs it off, as the README says.
    args: [
      '--enable-debug-command',
      'local',
      '--repl-diskless-sync-delay',
      '0',
      '--cluster-require-full-coverage',
      'no',
      ...(options.args ?? []),
    ],
  })
  try {
    await waitForReplicasInSync(cluster)
  } catch (error) {
    await cluster.stop()
    throw error
  }
  return cluster
}

/** Waits until every running replica reports `master_link_status:up` (its first sync is done). */
export async function waitForReplicasInSync(cluster: RedisCluster, timeoutMs = 30_000): Promise<void> {
  await poll('every replica in sync with its master', timeoutMs, async () => {
    const infos = await Promise.all(cluster.nodes.filter((n) => n.running).map((n) => withNode(n, (r) => r.info('replication'))))
    return infos.every((info) => /role:master/.test(info) || /master_link_status:up/.test(info)) ? true : undefined
  })
}

/** A short-lived connection for one inspection; every command bounded by `commandTimeout`. */
async function withNode<T>(node: Node, act: (redis: Redis) => Promise<T>, commandTimeout = 2000): Promise<T> {
  const redis = new Redis({
    host: node.host,
    port: node.port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    commandTimeout,
  })
  redis.on('error', () => {}) // failures reach the caller as rejections
  try {
    await redis.connect()
    return await act(redis)
  } finally {
    redis.disconnect()
  }
}

/** Polls `check` (every 50 ms, at most `timeoutMs`) until it returns a value; fails naming `what`. */
async function poll<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      throw new Error(`cluster-faults: ${what} not seen within ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

// --- slots -----------------------------------------------------------------------------------

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256)
  for (let i = 0; i < 256; i++) {
    let crc = i << 8
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
    table[i] = crc
  }
  return table
})()

/** The cluster slot of a key (CRC16/XMODEM of the key, or of its `{hash tag}`, mod 16384). */
export function keySlot(key: string | Buffer): number {
  let bytes = typeof key === 'string' ? Buffer.from(key) : key
  const open = bytes.indexOf(0x7b) // {
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1) // }
    if (close > open + 1) bytes = bytes.subarray(open + 1, close)
  }
  let crc = 0
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!
  return crc % 16384
}

/** A key `${prefix}N` that maps to `slot` (N found by search; ~16k tries at most on average). */
export function keyInSlot(slot: number, prefix = 'k'): string {
  for (let i = 0; i < 1_000_000; i++) if (keySlot(`${prefix}${i}`) === slot) return `${prefix}${i}`
  throw new Error(`cluster-faults: no key for slot ${slot}`)
}

export interface SlotRange {
  from: number
  to: number
  /** Port and node id of the master serving the range, then its replicas. */
  master: { port: number; id: string }
  replicas: { port: number; id: string }[]
}

/** `CLUSTER SLOTS` as `node` sees it. */
export async function clusterSlots(node: Node): Promise<SlotRange[]> {
  const reply = (await withNode(node, (r) => r.cluster('SLOTS'))) as unknown as [number, number, ...[string, number, string][]][]
  return reply.map(([from, to, master, ...replicas]) => ({
    from,
    to,
    master: { port: Number(master![1]), id: String(master![2]) },
    replicas: replicas.map((r) => ({ port: Number(r[1]), id: String(r[2]) })),
  }))
}

/** The port of the master serving `slot`, as `node` sees it. */
export async function ownerPort(node: Node, slot: number): Promise<number | undefined> {
  return (await clusterSlots(node)).find((r) => r.from <= slot && slot <= r.to)?.master.port
}

/** `CLUSTER MYID` of a node. */
export function nodeId(node: Node): Promise<string> {
  return withNode(node, (r) => r.cluster('MYID') as Promise<string>)
}

/** `'master'` or `'slave'` (the first field of ROLE). */
export function roleOf(node: Node): Promise<string> {
  return withNode(node, async (r) => ((await r.call('ROLE')) as unknown[])[0] as string, 500)
}

/** The running nodes that are masters now (asks each node for its ROLE). */
export async function currentMasters(cluster: RedisCluster): Promise<RedisServer[]> {
  const roles = await Promise.all(cluster.nodes.map((n) => (n.running ? roleOf(n).catch(() => 'unknown') : 'down')))
  return cluster.nodes.filter((_, i) => roles[i] === 'master')
}

/** The running replica of `master` (by CLUSTER NODES; CLUSTER SLOTS omits replicas not yet synced). */
export async function replicaOf(cluster: RedisCluster, master: RedisServer): Promise<RedisServer> {
  const id = await nodeId(master)
  const lines = ((await withNode(master, (r) => r.cluster('NODES'))) as string).split('\n')
  const ports = lines.filter((l) => l.split(' ')[3] === id && l.split(' ')[2]?.includes('slave')).map((l) => Number(/:(\d+)@/.exec(l)![1]))
  const replica = cluster.nodes.find((n) => ports.includes(n.port) && n.running)
  if (!replica) throw new Error(`cluster-faults: master ${master.port} has no running replica`)
  return replica
}

/** The first slot `master` serves now. */
export async function slotOf(master: RedisServer): Promise<number> {
  const range = (await clusterSlots(master)).find((r) => r.master.port === master.port)
  if (!range) throw new Error(`cluster-faults: ${master.port} serves no slot`)
  return range.from
}

// --- hung and killed masters -----------------------------------------------------------------

/**
 * `DEBUG SLEEP seconds` on `node` (a hung master: the port is open, nothing is answered). Resolves
 * once the command is on its way; `done` resolves when the node answers again.
 */
export async function debugSleep(node: Node, seconds: number): Promise<{ done: Promise<void> }> {
  const redis = new Redis({ host: node.host, port: node.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  redis.on('error', () => {})
  await redis.connect()
  const done = redis.call('DEBUG', 'SLEEP', String(seconds)).then(
    () => {
      redis.disconnect()
    },
    (error: Error) => {
      redis.disconnect()
      throw new Error(
        `cluster-faults: DEBUG SLEEP on ${node.port} failed (${error.message}); start the node with --enable-debug-command local (startFaultCluster does)`,
      )
    },
  )
  return { done }
}

/** SIGKILLs a master and waits for its process to exit. */
export async function killMaster(master: RedisServer): Promise<void> {
  await master.kill('SIGKILL')
}

/**
 * Waits until `slot` is served by a master other than port `from` (its replica was promoted),
 * as seen by every other node that answers, and that node says it is a master. Returns it.
 */
export async function waitForPromotion(cluster: RedisCluster, slot: number, from: number, timeoutMs = 20_000): Promise<RedisServer> {
  return poll(`promotion of a replica for slot ${slot} (was on ${from})`, timeoutMs, async () => {
    const others = cluster.nodes.filter((n) => n.port !== from && n.running)
    const views = await Promise.all(others.map((n) => ownerPort(n, slot).catch(() => undefined)))
    const answered = views.filter((v) => v !== undefined)
    if (answered.length === 0 || answered.some((v) => v === from)) return undefined
    if (new Set(answered).size !== 1) return undefined
    const owner = cluster.nodes.find((n) => n.port === answered[0])
    if (!owner || (await roleOf(owner)) !== 'master') return undefined
    return owner
  })
}

/** Waits until `node` has `role` (`'master'` or `'slave'`), e.g. a woken sleeper demoted to replica. */
export async function waitForRole(node: Node, role: 'master' | 'slave', timeoutMs = 20_000): Promise<void> {
  await poll(`${node.port} becoming ${role}`, timeoutMs, async () => ((await roleOf(node)) === role ? true : undefined))
}

/**
 * `CLUSTER FAILOVER` on `replica` (a manual, coordinated failover: no write is lost), then waits
 * until it is the master of its slots and its old master a replica. Returns the old master's port.
 */
export async function manualFailover(cluster: RedisCluster, replica: RedisServer, timeoutMs = 20_000): Promise<number> {
  const before = await withNode(replica, async (r) => (await r.call('ROLE')) as [string, string, number])
  if (before[0] !== 'slave') throw new Error(`cluster-faults: ${replica.port} is a ${before[0]}, not a replica`)
  const oldMaster = Number(before[2])
  await withNode(replica, (r) => r.cluster('FAILOVER'))
  await waitForRole(replica, 'master', timeoutMs)
  await waitForRole({ host: '127.0.0.1', port: oldMaster }, 'slave', timeoutMs)
  const slot = await slotOf(replica)
  await poll(`every node seeing ${replica.port} as owner of slot ${slot}`, timeoutMs, async () => {
    const views = await Promise.all(cluster.nodes.filter((n) => n.running).map((n) => ownerPort(n, slot)))
    return views.every((v) => v === replica.port) ? true : undefined
  })
  return oldMaster
}

// --- slot migration --------------------------------------------------------------------------

export interface MigrateOptions {
  /** Keys per MIGRATE; default 10. */
  batch?: number
  /** A pause between batches (the pace of a slow migration, not a synchronisation); default 0. */
  pauseMs?: number
  /** Awaited after the slot is set MIGRATING/IMPORTING and after each batch: act mid-migration here. */
  onBatch?: (moved: number) => void | Promise<void>
}

/**
 * Moves one slot to `to` as redis-cli does: SETSLOT IMPORTING on the target, MIGRATING on the
 * source, MIGRATE its keys in batches (clients get ASK for moved keys meanwhile), then SETSLOT
 * NODE on every master. Returns the number of keys moved.
 */
export async function migrateSlot(cluster: RedisCluster, slot: number, to: RedisServer, options: MigrateOptions = {}): Promise<number> {
  const batch = options.batch ?? 10
  const fromPort = await ownerPort(to, slot)
  const from = cluster.nodes.find((n) => n.port === fromPort)
  if (!from) throw new Error(`cluster-faults: no running owner of slot ${slot}`)
  if (from.port === to.port) return 0
  const [fromId, toId] = await Promise.all([nodeId(from), nodeId(to)])
  const target = new Redis({ host: to.host, port: to.port, lazyConnect: true, maxRetriesPerRequest: 0 })
  const source = new Redis({ host: from.host, port: from.port, lazyConnect: true, maxRetriesPerRequest: 0 })
  let moved = 0
  try {
    await target.cluster('SETSLOT', slot, 'IMPORTING', fromId)
    await source.cluster('SETSLOT', slot, 'MIGRATING', toId)
    await options.onBatch?.(0)
    for (;;) {
      const keys = (await source.cluster('GETKEYSINSLOT', slot, batch)) as string[]
      if (keys.length === 0) break
      await source.call('MIGRATE', to.host, String(to.port), '', '0', '5000', 'REPLACE', 'KEYS', ...keys)
      moved += keys.length
      await options.onBatch?.(moved)
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs))
    }
    // Target first (so it serves the slot before the source starts redirecting there), then the
    // source, then every other master.
    await target.cluster('SETSLOT', slot, 'NODE', toId)
    await source.cluster('SETSLOT', slot, 'NODE', toId)
    const masters = await currentMasters(cluster)
    await Promise.all(
      masters
        .filter((m) => m.port !== from.port && m.port !== to.port)
        .map((m) => withNode(m, (r) => r.cluster('SETSLOT', slot, 'NODE', toId))),
    )
    return moved
  } finally {
    target.disconnect()
    source.disconnect()
  }
}

/**
 * Moves `count` slots from master `from` to master `to`, one after the other (what
 * `redis-cli --cluster reshard` does), each with `migrateSlot`. Returns the slots moved.
 */
export async function reshard(
  cluster: RedisCluster,
  from: RedisServer,
  to: RedisServer,
  count: number,
  options: Omit<MigrateOptions, 'onBatch'> & { onSlot?: (slot: number, done: number) => void | Promise<void> } = {},
): Promise<number[]> {
  const ranges = (await clusterSlots(from)).filter((r) => r.master.port === from.port)
  const slots: number[] = []
  for (const r of ranges) for (let s = r.from; s <= r.to && slots.length < count; s++) slots.push(s)
  if (slots.length < count) throw new Error(`cluster-faults: ${from.port} serves ${slots.length} slots, fewer than ${count}`)
  for (const [i, slot] of slots.entries()) {
    await migrateSlot(cluster, slot, to, options)
    await options.onSlot?.(slot, i + 1)
  }
  return slots
}
