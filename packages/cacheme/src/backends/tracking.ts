import calculateSlot from 'cluster-key-slot'
import type { Cluster, Redis } from 'ioredis'
import type { RedisInstance } from '../client/options.js'

/** Where Redis sends the invalidations of a tracking client that redirects them. */
const INVALIDATE_CHANNEL = '__redis__:invalidate'
/** How often a lost invalidation connection is dialled again (its node's data connection has its own policy). */
const RETRY_MAX_MS = 1000

/** Whether replies of one node may be kept now; see local/tier.ts. */
export interface TrackedNode {
  readonly name: string
  readonly armed: boolean
  readonly epoch: number
}

/** What the tracking tells the local tier. */
export interface TrackingSink {
  /** Redis says these keys changed; null: the node was flushed (FLUSHALL, FLUSHDB). */
  invalidate(keys: readonly string[] | null): void
  /** A connection tracking relies on was lost: nothing read from `node` may be served any more. */
  nodeLost(node: string): void
  /** Slots moved: entries whose key is no longer served by the node it was read from must go. */
  slotsMoved(ownerOf: (key: string) => string | undefined): void
  /** CLIENT TRACKING or the invalidations' SUBSCRIBE was refused (an old Redis, an ACL): the tier stays empty; said once. */
  failed(error: Error): void
}

/**
 * Server-assisted client-side caching, per Redis node (a cluster's tracking tables and client
 * ids are per node). For each node the reads go to, the node's own data connection gets
 * `CLIENT TRACKING ON REDIRECT <id>`, where `<id>` is a second connection to the same node,
 * speaking RESP2 and subscribed to `__redis__:invalidate`: ioredis drops RESP3 `invalidate`
 * pushes, and a RESP3 redirect target would get pushes too, so the target speaks RESP2, where
 * an invalidation is a plain message (payload: the keys; null for a flush).
 *
 * Default tracking mode (the server remembers which keys each connection read), not BCAST: a
 * process is told only of keys it read, and the server's cost is bounded by
 * `tracking-table-max-keys` (past it the server invalidates keys at random, which only costs
 * local hits). bench/results/local.md has both modes measured.
 *
 * A node's `epoch` moves, and its entries are dropped, when either connection closes; tracking
 * is sent again on every (re)connect of either (the target's id changes), and only once the
 * server confirmed it is the node `armed` again. A read whose ticket was taken in an older
 * epoch, or unarmed (ioredis replays its offline queue before our CLIENT TRACKING), isn't kept.
 */
export class Tracking {
  readonly #redis: RedisInstance
  readonly #sink: TrackingSink
  readonly #nodes = new Map<string, NodeTracking>()
  readonly #cluster: boolean
  readonly #unknown: TrackedNode = { name: '', armed: false, epoch: 0 }
  #owners: (string | undefined)[] = []
  #closed = false
  #failed = false

  constructor(redis: RedisInstance, sink: TrackingSink) {
    this.#redis = redis
    this.#sink = sink
    this.#cluster = (redis as Cluster).isCluster === true
    if (!this.#cluster) {
      this.#add('redis', redis as Redis)
      return
    }
    const cluster = redis as Cluster
    cluster.on('+node', this.#onAddNode)
    cluster.on('-node', this.#onRemoveNode)
    cluster.on('refresh', this.#onRefresh)
    for (const node of cluster.nodes('all')) this.#onAddNode(node)
    this.#owners = this.#currentOwners()
  }

  /** The node a read of `key` goes to now (a cluster: its slot's master), for the ticket of that read. */
  nodeOf(key: string): TrackedNode {
    if (!this.#cluster) return this.#nodes.get('redis') ?? this.#unknown // closed: nothing is kept
    const owner = (this.#redis as Cluster).slots[calculateSlot(key)]?.[0]
    return (owner !== undefined ? this.#nodes.get(owner) : undefined) ?? this.#unknown
  }

  /** Whether `key` is still served by `node` (a reply that followed a MOVED came from elsewhere). */
  servedBy(key: string, node: string): boolean {
    return !this.#cluster || (this.#redis as Cluster).slots[calculateSlot(key)]?.[0] === node
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    if (this.#cluster) {
      const cluster = this.#redis as Cluster
      cluster.off('+node', this.#onAddNode)
      cluster.off('-node', this.#onRemoveNode)
      cluster.off('refresh', this.#onRefresh)
    }
    for (const node of this.#nodes.values()) node.close()
    this.#nodes.clear()
  }

  readonly #onAddNode = (redis: Redis): void => {
    if (this.#closed) return
    const name = `${redis.options.host}:${redis.options.port}`
    const existing = this.#nodes.get(name)
    if (existing?.data === redis) return
    existing?.close()
    this.#add(name, redis)
  }

  readonly #onRemoveNode = (redis: Redis): void => {
    const name = `${redis.options.host}:${redis.options.port}`
    const existing = this.#nodes.get(name)
    if (existing?.data !== redis) return
    existing.close()
    this.#nodes.delete(name)
  }

  /** A new slot map: entries of slots whose master changed are dropped (failover, resharding). */
  readonly #onRefresh = (): void => {
    const owners = this.#currentOwners()
    const before = this.#owners
    this.#owners = owners
    let moved = false
    for (let slot = 0; slot < owners.length && !moved; slot++) moved = owners[slot] !== before[slot]
    if (moved) this.#sink.slotsMoved((key) => owners[calculateSlot(key)])
  }

  #currentOwners(): (string | undefined)[] {
    const slots = (this.#redis as Cluster).slots
    const owners = new Array<string | undefined>(16384)
    for (let slot = 0; slot < 16384; slot++) owners[slot] = slots[slot]?.[0]
    return owners
  }

  #add(name: string, data: Redis): void {
    this.#nodes.set(
      name,
      new NodeTracking(name, data, this.#sink, (error) => {
        if (this.#failed) return
        this.#failed = true
        this.#sink.failed(error)
      }),
    )
  }
}

/** One node's pair of connections: the data connection reads go over, and its invalidation target. */
class NodeTracking implements TrackedNode {
  readonly name: string
  readonly data: Redis
  armed = false
  epoch = 0
  readonly #sink: TrackingSink
  readonly #onFailure: (error: Error) => void
  readonly #target: Redis
  /** The target's client id while it is subscribed; undefined while (re)connecting. */
  #targetId: number | undefined
  #closed = false

  constructor(name: string, data: Redis, sink: TrackingSink, onFailure: (error: Error) => void) {
    this.name = name
    this.data = data
    this.#sink = sink
    this.#onFailure = onFailure
    // A duplicate has the node's address, credentials and TLS; it keeps reconnecting (a cluster
    // node's own connection doesn't: ioredis replaces it) and re-subscribes by itself below.
    this.#target = data.duplicate({
      protocol: 2,
      lazyConnect: false,
      autoResubscribe: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      connectionName: 'cacheme:invalidations',
      retryStrategy: (times: number) => Math.min(times * 50, RETRY_MAX_MS),
    })
    this.#target.on('error', () => {})
    this.#target.on('ready', this.#onTargetReady)
    this.#target.on('close', this.#onTargetClose)
    this.#target.on('messageBuffer', this.#onMessage)
    data.on('ready', this.#onDataReady)
    data.on('close', this.#onDataClose)
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#lose()
    this.data.off('ready', this.#onDataReady)
    this.data.off('close', this.#onDataClose)
    // Your own ioredis instance goes on without tracking (ours is closing anyway).
    if (this.data.status === 'ready') this.data.call('CLIENT', 'TRACKING', 'OFF').catch(() => {})
    this.#target.removeAllListeners('messageBuffer')
    this.#target.disconnect()
  }

  readonly #onMessage = (channel: Buffer, message: unknown): void => {
    if (channel.toString() !== INVALIDATE_CHANNEL) return
    if (message === null) return this.#sink.invalidate(null)
    if (!Array.isArray(message)) return
    this.#sink.invalidate(message.map((key: Buffer) => key.toString()))
  }

  readonly #onTargetReady = async (): Promise<void> => {
    try {
      // CLIENT ID before SUBSCRIBE: in subscriber mode (RESP2) only (un)subscribe commands are allowed.
      const id = Number(await this.#target.client('ID'))
      await this.#target.subscribe(INVALIDATE_CHANNEL)
      if (this.#closed) return
      this.#targetId = id
      await this.#arm()
    } catch (error) {
      // Refused (an ACL without SUBSCRIBE or CLIENT): said once, the tier stays empty. Otherwise
      // the connection went again: its close handler cleans up, its next ready starts over.
      if (this.#target.status === 'ready') this.#onFailure(error instanceof Error ? error : new Error(String(error)))
    }
  }

  readonly #onTargetClose = (): void => {
    this.#targetId = undefined
    this.#lose()
  }

  readonly #onDataReady = (): void => {
    this.#arm().catch(() => {})
  }

  readonly #onDataClose = (): void => {
    this.#lose()
  }

  /** Tells the node (again) where to send invalidations; armed once it says OK. */
  async #arm(): Promise<void> {
    if (this.#closed || this.#targetId === undefined || this.data.status !== 'ready') return
    const epoch = ++this.epoch
    this.armed = false
    try {
      await this.data.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(this.#targetId))
    } catch (error) {
      if (this.epoch === epoch && this.data.status === 'ready') this.#onFailure(error instanceof Error ? error : new Error(String(error)))
      return
    }
    if (this.epoch === epoch && !this.#closed) this.armed = true
  }

  /** A connection is gone: replies already on their way are not kept, entries of this node are dropped. */
  #lose(): void {
    this.epoch++
    this.armed = false
    this.#sink.nodeLost(this.name)
  }
}
