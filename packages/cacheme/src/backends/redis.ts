import calculateSlot from 'cluster-key-slot'
import type { ChainableCommander, Cluster, Redis } from 'ioredis'
import { MARKER_HEAD_LENGTH, MARKER_MAGIC } from '../codec/frame.js'
import type { RedisInstance } from '../client/options.js'
import type { Secrets } from '../client/secrets.js'
import { CacheUnavailableError } from '../errors.js'
import { CHANGED_NOTICE } from '../herd/notice.js'
import { CLUSTER_BATCH, STANDALONE_BATCH } from '../herd/batch-scripts.js'
import { ACQUIRE, COMMIT, DEL, DEL_INDEXED, DEL_INDEXED_ON_NODE, DEL_TAGGED, EXTEND, RELEASE, SET, type Script } from '../herd/scripts.js'
import { nodeBatchLock } from './batch-lock.js'
import type {
  AcquireMode,
  AcquireResult,
  Backend,
  BatchLock,
  Deliver,
  IndexName,
  IndexedKey,
  Lock,
  SetEntry,
  SubscriberConnection,
} from './backend.js'
import { Pruning, scoreOf } from './pruning.js'
import { RedisSubscriber } from './redis-subscriber.js'
import { slotTag } from './slot-tags.js'
import { tooBig } from './value-limit.js'

type Arg = string | Buffer | number
type PipelineResult = [error: Error | null, result: unknown][] | null

/** Keys an index script deletes per call, so one call never blocks the server for long. */
const INDEX_CHUNK = 500
/**
 * At most how long close() waits for QUIT (and never longer than the client timeout) before
 * dropping the connection: a hung server never answers, and a process shutting down should not
 * linger on a goodbye. An unready connection gets no QUIT at all.
 */
const QUIT_TIMEOUT_MS = 200
/** At most one slot-map refresh per this long, however many commands time out. */
const REFRESH_INTERVAL_MS = 1000

/**
 * The backend layer of the hit path (store → client core → backend → codec; the package README's
 * "life of a get"): Redis and Redis Cluster storage, and below it what every command runs under,
 * its node's health (`NodeHealth`: the time bound and the breaker) and the runtime's time bounds
 * (`Deadlines`, `bounded`).
 *
 * Redis and Redis Cluster storage. Multi-key work goes out as one pipeline per master (cluster)
 * or one MGET/pipeline (standalone): one round trip per node. Every command runs under its
 * node's health (time bound, breaker), so a slow, hung or moving node fails only its own keys.
 * Scripts go by EVALSHA, falling back to EVAL when the server doesn't know them yet (NOSCRIPT).
 */
export class RedisBackend implements Backend {
  readonly kind: 'redis' | 'cluster'
  readonly batchLock: BatchLock
  readonly #redis: RedisInstance
  readonly #owned: boolean
  readonly #timeoutMs: number
  readonly #secrets: Secrets
  readonly #nodes = new Map<string, NodeHealth>()
  #lastConnectionError: unknown
  #publish: Promise<string> | undefined
  #shardedPubSub = false
  #lastRefresh = 0
  /** When the (standalone) connection's current attempt reached the server (TCP up, 'connect'). */
  #connectedAt = 0
  readonly #pruning = new Pruning()

  constructor(redis: RedisInstance, options: { owned: boolean; timeoutMs: number; secrets: Secrets }) {
    this.#redis = redis
    this.kind = (redis as Cluster).isCluster ? 'cluster' : 'redis'
    this.#owned = options.owned
    this.#timeoutMs = options.timeoutMs
    this.#secrets = options.secrets
    // Kept for the reason of the next failure: a refused AUTH is told only as an 'error' event.
    redis.on('error', (error: unknown) => {
      this.#lastConnectionError = error
    })
    redis.on('ready', () => {
      this.#lastConnectionError = undefined
    })
    this.#connectedAt = Date.now()
    redis.on('connect', () => {
      this.#connectedAt = Date.now()
    })
    // A ready connection has just had its ready check (INFO) answered: the server is back, so
    // its breaker closes now rather than after the rest of a cool-down and a probe. (Without a
    // ready check, 'ready' only says TCP is up, which a blackhole accepts too.)
    if (this.kind === 'redis' && (redis as Redis).options.enableReadyCheck !== false) {
      redis.on('ready', () => {
        this.#nodes.get('redis')?.answered()
      })
    }
    this.#listen()
    this.batchLock = nodeBatchLock({
      scripts: this.kind === 'redis' ? STANDALONE_BATCH : CLUSTER_BATCH,
      // A cluster's scripts reach keys of many slots, which takes Redis 7 (learnt with the publish command).
      supported: async () => this.kind === 'redis' || (await this.#publishCommand().catch(() => '')) === 'SPUBLISH',
      groups: (keys) => this.#groups(keys),
      run: (node, script, args) => {
        const connection =
          this.kind === 'redis'
            ? (this.#redis as Redis)
            : (this.#redis as Cluster).nodes('master').find((n) => `${n.options.host}:${n.options.port}` === node)
        return connection && this.#health(node).run(() => evalOn(connection, script, [], args))
      },
      setsOf: (entry) => this.#setsOf(entry),
      inSlot: (set, key) => this.#inSlot(set, key),
      prune: () => this.#pruning.next(),
      publishCommand: () => this.#publishCommand(),
      moved: isMoved,
      single: this.lock,
    })
  }

  get(keys: readonly string[], deliver?: Deliver<Buffer | null | Error>): Promise<(Buffer | null | Error)[]> {
    if (keys.length === 0) return Promise.resolve([])
    if (this.kind === 'cluster') return this.#getOnCluster(keys, deliver)
    // Standalone: GET or MGET, whose reply is the answer as it is (a Buffer or null per key, in
    // order); a failure is every key's. No async function: the answer is one promise hop away.
    const redis = this.#redis as Redis
    const failed = (error: Error) => new Array<Error>(keys.length).fill(error)
    const health = this.#health('redis')
    if (keys.length === 1) return health.run(() => redis.getBuffer(keys[0]!)).then((value) => [value], failed)
    return health.run(() => redis.mgetBuffer(keys as string[])).then(undefined, failed)
  }

  async #getOnCluster(keys: readonly string[], deliver?: Deliver<Buffer | null | Error>): Promise<(Buffer | null | Error)[]> {
    const out: (Buffer | null | Error)[] = new Array(keys.length).fill(null)
    // A cluster: one GET per key, not a pipeline per node. They still leave in one write burst
    // per node (one round trip), and each follows its own MOVED / ASK: ioredis retries a
    // read-only pipeline with one ASK error *whole* on the ASK target, where the other keys
    // aren't, and they would read as misses.
    const cluster = this.#redis as Cluster
    const groups = this.#groups(keys)
    // One time bound per node's group of GETs, not one timer per key.
    await Promise.all(
      [...groups].map(([node, group]) =>
        this.#health(node).runEach(
          group.length,
          (j) => cluster.getBuffer(keys[group[j]!]!),
          (j, result) => {
            const i = group[j]!
            out[i] = result
            deliver?.(i, result)
          },
        ),
      ),
    )
    return out
  }

  async set(entries: readonly SetEntry[], deliver?: Deliver<Error | undefined>): Promise<(Error | undefined)[]> {
    const publish = await this.#publishCommand()
    const now = Date.now()
    const args = (e: SetEntry) => [e.value, e.ttlMs, publish, CHANGED_NOTICE, scoreOf(now, e.ttlMs), now, this.#pruning.next()]
    const refused = entries.map((e) => tooBig(e.key, e.value.length))
    if (refused.every((r) => r === undefined)) return this.#scriptPerKey(SET, entries, args, deliver)
    // Values over Redis's limit fail on their own; the others of the batch are written.
    const sent = entries.flatMap((_, i) => (refused[i] ? [] : [i]))
    const out: (Error | undefined)[] = refused.slice()
    for (const [i, error] of refused.entries()) if (error) deliver?.(i, error)
    const written = await this.#scriptPerKey(
      SET,
      sent.map((i) => entries[i]!),
      args,
      deliver && ((j, error) => deliver(sent[j]!, error)),
    )
    sent.forEach((i, j) => {
      out[i] = written[j]
    })
    return out
  }

  async del(entries: readonly IndexedKey[], deliver?: Deliver<Error | undefined>): Promise<(Error | undefined)[]> {
    const publish = await this.#publishCommand()
    return this.#scriptPerKey(DEL, entries, () => [publish, CHANGED_NOTICE], deliver)
  }

  async delIndexed(index: IndexName): Promise<number> {
    if (this.kind === 'redis') {
      const name = index.head + index.tail
      let removed = 0
      for (;;) {
        const [count, taken] = (await this.#script(DEL_INDEXED, name, [], [INDEX_CHUNK])) as [number, number]
        removed += count
        if (taken < INDEX_CHUNK) return removed
      }
    }
    // One index per slot: one script per master over the indexes of the slots it serves,
    // again for those that still have members (a call deletes at most INDEX_CHUNK keys).
    let removed = 0
    await Promise.all(
      [...(await this.#slotsByMaster())].map(async ([node, slots]) => {
        const redis = this.#master(node)
        let left = slots.map((slot) => `${index.head}{${slotTag(slot)}}${index.tail}`)
        while (left.length > 0) {
          const [count, rest] = (await this.#health(node).run(() => evalOn(redis, DEL_INDEXED_ON_NODE, [], [INDEX_CHUNK, ...left]))) as [
            number,
            Buffer[],
          ]
          removed += count
          left = rest.map((name) => name.toString('utf8'))
        }
      }),
    )
    return removed
  }

  async delTagged(tags: readonly IndexName[], pending: IndexName): Promise<number> {
    const sets: string[] = ['p', pending.head, pending.tail]
    for (const tag of tags) sets.push('t', tag.head, tag.tail)
    if (this.kind === 'redis') return this.#delTaggedOn('redis', this.#redis as Redis, '', sets)
    // Each tag has a set per slot: one script per master over the sets of the slots it serves.
    let removed = 0
    await Promise.all(
      [...(await this.#slotsByMaster())].map(async ([node, slots]) => {
        const redis = this.#master(node)
        // Counted after the await: `removed += await …` would read `removed` before the other nodes add theirs.
        const count = await this.#delTaggedOn(node, redis, slots.map(slotTag).join(''), sets)
        removed += count
      }),
    )
    return removed
  }

  /** DEL_TAGGED on one node, again from where it stopped until it is done (a call takes at most INDEX_CHUNK keys). */
  async #delTaggedOn(node: string, redis: Redis, slotTags: string, sets: string[]): Promise<number> {
    let removed = 0
    let position = 0
    while (position >= 0) {
      const from = position
      const [count, next] = (await this.#health(node).run(() =>
        evalOn(redis, DEL_TAGGED, [], [INDEX_CHUNK, MARKER_MAGIC, slotTags, from, ...sets]),
      )) as [number, number]
      removed += count
      position = next
    }
    return removed
  }

  readonly lock: Lock = {
    acquire: async (entry, head, lockTtlMs, how: AcquireMode, ttlMs): Promise<AcquireResult> => {
      const mode = how.mode
      const now = Date.now()
      const reply = (await this.#script(ACQUIRE, entry.key, this.#setsOf(entry), [
        head,
        lockTtlMs,
        mode,
        'bytes' in how ? how.bytes : '',
        scoreOf(now, lockTtlMs + ttlMs),
        MARKER_MAGIC,
        MARKER_HEAD_LENGTH,
        now,
        this.#pruning.next(),
      ])) as [number, Buffer?, number?]
      if (reply[0] === 1) return reply[1] ? { acquired: true, replaced: reply[1] } : { acquired: true }
      return { acquired: false, current: reply[1]!, pttlMs: reply[2]! }
    },
    extend: async (entry, head, lockTtlMs) => (await this.#script(EXTEND, entry.key, this.#setsOf(entry), [head, lockTtlMs])) === 1,
    commit: async (entry, head, notice) => {
      const big = tooBig(entry.key, entry.value.length)
      if (big) throw big
      const publish = await this.#publishCommand()
      const now = Date.now()
      const sets = this.#setsOf(entry)
      if (entry.pending) sets.push(this.#inSlot(entry.pending, entry.key))
      return outcomeOf(
        await this.#script(COMMIT, entry.key, sets, [
          head,
          entry.value,
          entry.ttlMs,
          publish,
          notice,
          scoreOf(now, entry.ttlMs),
          now,
          this.#pruning.next(),
          entry.pending ? '1' : '0',
        ]),
      )
    },
    release: async (key, head, notice) => {
      const publish = notice ? await this.#publishCommand() : ''
      return outcomeOf(await this.#script(RELEASE, key, [key], [head, publish, notice ?? '']))
    },
  }

  async openSubscriber(): Promise<SubscriberConnection> {
    await this.#publishCommand() // the pub/sub mode decides which subscriber to open
    return new RedisSubscriber(this.#redis, this.#shardedPubSub)
  }

  async ping(): Promise<void> {
    if (this.kind === 'redis') {
      await this.#health('redis').run(() => (this.#redis as Redis).ping())
      return
    }
    // A cluster still connecting first learns its masters (bounded too); each PING is bounded by its node.
    const cluster = this.#redis as Cluster
    if (cluster.status !== 'ready') {
      let onReady = (): void => {}
      await bounded(new Promise<void>((resolve) => cluster.once('ready', (onReady = resolve))), this.#timeoutMs, () => {
        cluster.off('ready', onReady)
        return new CacheUnavailableError(`cacheme: the cluster did not become ready within ${this.#timeoutMs} ms`, {
          outcome: 'not-applied',
        })
      })
    }
    await Promise.all(
      cluster.nodes('master').map((node) => this.#health(`${node.options.host}:${node.options.port}`).run(() => node.ping())),
    )
  }

  async close(): Promise<void> {
    if (!this.#owned) return
    if (this.#redis.status === 'ready') {
      let timer: NodeJS.Timeout | undefined
      const gaveUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.min(this.#timeoutMs, QUIT_TIMEOUT_MS))
      })
      await Promise.race([this.#redis.quit().catch(() => {}), gaveUp])
      clearTimeout(timer)
    }
    this.#redis.disconnect()
  }

  /** The index key for an entry: on a cluster, tagged with the key's slot. */
  #indexOf({ key, index }: IndexedKey): string {
    return this.#inSlot(index, key)
  }

  /** A set that lists `key` (an index, a tag's set): on a cluster, the one in the key's slot. */
  #inSlot(set: IndexName, key: string): string {
    return this.kind === 'redis' ? set.head + set.tail : `${set.head}{${slotTag(calculateSlot(key))}}${set.tail}`
  }

  /** Every set that lists an entry's key: its index first, then its tags' sets. */
  #setsOf(entry: IndexedKey): string[] {
    const sets = [this.#indexOf(entry)]
    if (entry.tags) for (const tag of entry.tags) sets.push(this.#inSlot(tag, entry.key))
    return sets
  }

  /**
   * The slots each master serves, from the slot map; a client that has not loaded it yet (just
   * created) waits for it, within the timeout.
   */
  async #slotsByMaster(): Promise<Map<string, number[]>> {
    const cluster = this.#redis as Cluster
    if (!cluster.slots.some((owners) => owners?.[0]) && cluster.status !== 'end' && cluster.status !== 'close') {
      const ready = new Promise<void>((resolve) => cluster.once('ready', () => resolve()))
      if (cluster.status === 'wait') cluster.connect().catch(() => {})
      await bounded(ready, this.#timeoutMs, () => new Error('no slot map')).catch(() => {})
    }
    const byNode = new Map<string, number[]>()
    cluster.slots.forEach((owners, slot) => {
      const node = owners?.[0]
      if (!node) return
      let slots = byNode.get(node)
      if (!slots) byNode.set(node, (slots = []))
      slots.push(slot)
    })
    if (byNode.size === 0) throw new CacheUnavailableError("cacheme: the cluster's slot map is not known yet", { outcome: 'not-applied' })
    return byNode
  }

  /** The connection to one master of the cluster. */
  #master(node: string): Redis {
    const redis = (this.#redis as Cluster).nodes('master').find((n) => `${n.options.host}:${n.options.port}` === node)
    if (!redis) throw new CacheUnavailableError(`cacheme: no connection to cluster master ${node}`, { outcome: 'not-applied' })
    return redis
  }

  /** The master serving a key ('redis' on standalone); before the slot map is known, its slot. */
  #nodeOf(key: string): string {
    if (this.kind === 'redis') return 'redis'
    const slot = calculateSlot(key)
    return (this.#redis as Cluster).slots[slot]?.[0] ?? `slot ${slot}`
  }

  #health(node: string): NodeHealth {
    let health = this.#nodes.get(node)
    if (!health) {
      health = new NodeHealth(
        node,
        this.#timeoutMs,
        this.#secrets,
        () => this.#onTrouble(),
        () => this.#lastConnectionError,
      )
      this.#nodes.set(node, health)
    }
    return health
  }

  /**
   * Tells each node's health when bytes arrive on its connection (the connection of the one
   * server, or of each cluster master, as ioredis opens and reopens them): a big reply that is
   * still streaming in is a slow node, not a dead one (see NodeHealth.heard).
   */
  #listen(): void {
    const seen = new WeakSet<object>()
    const watch = (node: string, connection: Redis) => {
      const attach = () => {
        const stream = (connection as unknown as { stream?: NodeJS.EventEmitter }).stream
        if (!stream || seen.has(stream)) return
        seen.add(stream)
        const health = this.#health(node)
        stream.on('data', () => health.heard())
      }
      connection.on('connect', attach)
      attach()
    }
    if (this.kind === 'redis') return watch('redis', this.#redis as Redis)
    const cluster = this.#redis as Cluster
    const nameOf = (connection: Redis) => `${connection.options.host}:${connection.options.port}`
    cluster.on('+node', (connection: Redis) => watch(nameOf(connection), connection))
    for (const connection of cluster.nodes('all')) watch(nameOf(connection), connection)
  }

  /** A node timed out or dropped: find out why it is stuck, and get unstuck. */
  #onTrouble(): void {
    this.#refreshSlots()
    this.#reconnectIfStuck()
  }

  /**
   * A reconnect that lands in a server that accepts and never answers hangs for good: ioredis
   * drops its connect timeout once TCP is up, and waits for a ready check that never comes. A
   * connection of ours whose current attempt has waited for its ready check longer than the
   * timeout is dropped and dialled again (an instance you passed in is yours to manage).
   * Measured from this attempt's 'connect', not from the last 'ready': every skipped call asks,
   * and measured from 'ready' each new attempt was dropped again before its ready check could
   * be answered, so the connection never came back after a blackhole.
   */
  #reconnectIfStuck(): void {
    if (!this.#owned || this.kind !== 'redis') return
    const redis = this.#redis as Redis
    if (redis.status === 'connect' && Date.now() - this.#connectedAt > this.#timeoutMs) {
      this.#connectedAt = Date.now() // one redial per stuck attempt, however many calls ask
      redis.disconnect(true)
    }
  }

  /**
   * A timed-out or dropped cluster node may have been failed over: ask for the slot map again
   * (ioredis only does so on MOVED), at most once a second.
   */
  #refreshSlots(): void {
    if (this.kind !== 'cluster' || Date.now() - this.#lastRefresh < REFRESH_INTERVAL_MS) return
    this.#lastRefresh = Date.now()
    try {
      ;(this.#redis as Cluster).refreshSlotsCache(() => {})
    } catch {
      // A closed cluster can't refresh; the next command fails on its own.
    }
  }

  /** Runs a script on the key's node; NOSCRIPT (a restarted or new node) sends the body once. */
  #script(script: Script, key: string, otherKeys: string[], args: Arg[]): Promise<unknown> {
    const keys = [key, ...otherKeys]
    return this.#health(this.#nodeOf(key)).run(async () => {
      try {
        return await this.#redis.callBuffer('EVALSHA', script.sha, keys.length, ...keys, ...args)
      } catch (error) {
        if (!isNoScript(error)) throw error
        return this.#redis.callBuffer('EVAL', script.lua, keys.length, ...keys, ...args)
      }
    })
  }

  /** One script per entry (value key + its index), one pipeline per node; each entry's Error, if it failed. */
  async #scriptPerKey<E extends IndexedKey>(
    script: Script,
    entries: readonly E[],
    argsOf: (entry: E) => Arg[],
    deliver?: Deliver<Error | undefined>,
  ): Promise<(Error | undefined)[]> {
    const out: (Error | undefined)[] = new Array(entries.length).fill(undefined)
    if (entries.length === 1) {
      const entry = entries[0]!
      try {
        await this.#script(script, entry.key, this.#setsOf(entry), argsOf(entry))
      } catch (error) {
        out[0] = error as Error
      }
      return out
    }
    const keys = entries.map((e) => e.key)
    await this.#perNodeScript(
      script,
      keys,
      (key, i) => ({ keys: [key, ...this.#setsOf(entries[i]!)], args: argsOf(entries[i]!) }),
      (i, result) => {
        if (result instanceof Error) out[i] = result
        deliver?.(i, out[i])
      },
    )
    return out
  }

  /** `#perNode` for a script: EVALSHA per key in the pipelines; a key whose node lacks the script (NOSCRIPT) is sent again by EVAL. */
  #perNodeScript(
    script: Script,
    keys: readonly string[],
    call: (key: string, i: number) => { keys: string[]; args: Arg[] },
    collect: (i: number, result: unknown) => void,
  ): Promise<void> {
    const argv = (key: string, i: number): Arg[] => {
      const { keys: scriptKeys, args } = call(key, i)
      return [scriptKeys.length, ...scriptKeys, ...args]
    }
    return this.#perNode(
      keys,
      (pipeline, key, i) => pipeline.callBuffer('EVALSHA', script.sha, ...argv(key, i)),
      (key, i) => this.#redis.callBuffer('EVAL', script.lua, ...argv(key, i)),
      collect,
      { retry: isNoScript, addAgain: (pipeline, key, i) => pipeline.callBuffer('EVAL', script.lua, ...argv(key, i)) },
    )
  }

  /**
   * One pipeline per node (the whole batch on standalone): `add` queues key i's command,
   * `collect` gets each key's result or Error. A node's failure is that node's keys' Error. A
   * cluster batch refused because slots moved (MOVED, ASK, "same slots allocation group") is sent
   * again key by key with `resend`, which ioredis redirects. Keys whose result `again.retry` asks
   * for (NOSCRIPT: a node that doesn't know the script yet) go again in one pipeline per node.
   */
  async #perNode(
    keys: readonly string[],
    add: (pipeline: ChainableCommander, key: string, i: number) => void,
    resend: (key: string, i: number) => Promise<unknown>,
    collect: (i: number, result: unknown) => void,
    again?: { retry: (result: unknown) => boolean; addAgain: (pipeline: ChainableCommander, key: string, i: number) => void },
  ): Promise<void> {
    const groups = this.#groups(keys)
    await Promise.all(
      [...groups].map(async ([node, group]) => {
        const health = this.#health(node)
        let results: PipelineResult
        try {
          results = await health.run(async () => {
            const pipeline = this.#redis.pipeline()
            for (const i of group) add(pipeline, keys[i]!, i)
            return pipeline.exec()
          })
        } catch (error) {
          if (!isMoved(error)) {
            for (const i of group) collect(i, error)
            return
          }
          this.#refreshSlots()
          results = null
        }
        const retried = new Map<number, unknown>()
        const toRetry = again && results ? group.filter((_, n) => again.retry(results![n]?.[0])) : []
        if (toRetry.length > 0) {
          try {
            const replies = (await health.run(async () => {
              const pipeline = this.#redis.pipeline()
              for (const i of toRetry) again!.addAgain(pipeline, keys[i]!, i)
              return pipeline.exec()
            })) as PipelineResult
            toRetry.forEach((i, n) => retried.set(i, replies?.[n] ? (replies[n]![0] ?? replies[n]![1]) : undefined))
          } catch (error) {
            for (const i of toRetry) retried.set(i, error)
          }
        }
        await Promise.all(
          group.map(async (i, n) => {
            const entry = results?.[n]
            let result: unknown = retried.has(i) ? retried.get(i) : entry ? (entry[0] ?? entry[1]) : undefined
            if (!entry || result === undefined || isMoved(result)) {
              try {
                result = await this.#health(this.#nodeOf(keys[i]!)).run(() => resend(keys[i]!, i))
              } catch (error) {
                result = error
              }
            } else if (result instanceof Error) {
              result = health.explain(result)
            }
            collect(i, result)
          }),
        )
      }),
    )
  }

  /** Key positions by the node that serves them (one group on standalone). */
  #groups(keys: readonly string[]): Map<string, number[]> {
    const groups = new Map<string, number[]>()
    for (let i = 0; i < keys.length; i++) {
      const node = this.#nodeOf(keys[i]!)
      let group = groups.get(node)
      if (!group) groups.set(node, (group = []))
      group.push(i)
    }
    return groups
  }

  /** PUBLISH on standalone; SPUBLISH on a cluster of Redis >= 7 (a shard channel lives on the key's node). */
  #publishCommand(): Promise<string> {
    if (!this.#publish) {
      const detect = this.kind === 'redis' ? Promise.resolve('PUBLISH') : this.#detectSharded()
      detect.catch(() => {
        if (this.#publish === detect) this.#publish = undefined
      })
      this.#publish = detect
    }
    return this.#publish
  }

  async #detectSharded(): Promise<string> {
    const info = await this.#health('info').run(() => this.#redis.info('server'))
    const major = Number(/redis_version:(\d+)/.exec(info)?.[1] ?? 0)
    this.#shardedPubSub = major >= 7
    return this.#shardedPubSub ? 'SPUBLISH' : 'PUBLISH'
  }
}

/** A commit's or release's reply: {1 | 0, the publish's error or nil}. */
function outcomeOf(reply: unknown): { done: boolean; notifyError?: string } {
  const [done, error] = reply as [number, Buffer | string | null | undefined]
  return error ? { done: done === 1, notifyError: error.toString() } : { done: done === 1 }
}

/** EVALSHA, or EVAL when the server doesn't know the script yet. */
async function evalOn(redis: Redis, script: Script, keys: string[], args: Arg[]): Promise<unknown> {
  try {
    return await redis.callBuffer('EVALSHA', script.sha, keys.length, ...keys, ...args)
  } catch (error) {
    if (!isNoScript(error)) throw error
    return redis.callBuffer('EVAL', script.lua, keys.length, ...keys, ...args)
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && /^NOSCRIPT\b/.test(error.message)
}

/** Slots moved under a batch: the batch can be sent again key by key. */
function isMoved(error: unknown): boolean {
  if (error instanceof CacheUnavailableError) return isMoved(error.cause)
  return error instanceof Error && /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN)\b|same slots allocation group/i.test(error.message)
}

/** How long a node that failed is skipped before one call probes it again. */
const COOL_DOWN_MIN_MS = 1000
/**
 * Timeouts in a row (with no answer of any kind between them, and no bytes received within the
 * timeout before them) before the node is skipped: one slow command (a 50 MB value) is not an
 * outage, and it delays the commands behind it anyway.
 */
const TIMEOUTS_TO_OPEN = 2

/**
 * The health of one Redis node (the one server, or one cluster master): a circuit breaker that
 * opens on connection failures and on repeated timeouts, and bounds every command sent to the
 * node by the client's timeout. After a cool-down one call probes the node while the others
 * still skip it; a success closes it. A node that answers with an error (a `ReplyError`, an ACL
 * refusal) is up: that never opens the breaker. Uses timestamps only, so nothing outlives it.
 */
export class NodeHealth {
  #openUntil = 0
  #probing = false
  #timeouts = 0
  /** How many times bytes arrived on the node's connection: a bound remembers it when it starts. */
  #heard = 0
  readonly #coolDownMs: number
  readonly #deadlines: Deadlines

  constructor(
    readonly node: string,
    readonly timeoutMs: number,
    readonly secrets: Secrets,
    /** Called when the node times out or drops: a cluster refreshes its slot map. */
    readonly onTrouble: () => void = () => {},
    /** The connection's last error event (a refused password surfaces there, not on the command). */
    readonly lastConnectionError: () => unknown = () => undefined,
  ) {
    this.#coolDownMs = Math.max(timeoutMs, COOL_DOWN_MIN_MS)
    this.#deadlines = new Deadlines(timeoutMs, (heard) => {
      this.#timedOut(heard)
      return this.#timeoutError()
    })
  }

  /**
   * Runs a command on the node, rejecting with CacheUnavailableError past the timeout, on a
   * connection failure or while the breaker is open. `outcome` tells a write's caller whether
   * the command may have been applied. A late result is swallowed (never an unhandled rejection).
   */
  run<T>(operation: () => Promise<T>): Promise<T> {
    if (!this.#allow()) return Promise.reject(this.#skipped())
    let pending: Promise<T>
    try {
      pending = operation()
    } catch (error) {
      pending = Promise.reject(error)
    }
    return this.#deadlines.bound(pending, this.#heard, this.#hooks)
  }

  #timeoutError(): CacheUnavailableError {
    return new CacheUnavailableError(`cacheme: Redis node ${this.node} did not answer within ${this.timeoutMs} ms`, { outcome: 'unknown' })
  }

  /**
   * `count` commands on the node under one time bound (one timer for all, not one per command:
   * a cluster's lookups are one GET per key): each command's result, or its Error, goes to
   * `settle(j, …)` as soon as it comes; past the timeout the ones still pending get the
   * timeout's error. The breaker counts each command's outcome as `run` would.
   */
  runEach<T>(
    count: number,
    start: (j: number) => Promise<T>,
    settle: (j: number, result: T | CacheUnavailableError) => void,
  ): Promise<void> {
    if (!this.#allow()) {
      const skipped = this.#skipped()
      for (let j = 0; j < count; j++) settle(j, skipped)
      return Promise.resolve()
    }
    const heard = this.#heard
    const settled = new Uint8Array(count)
    let left = count
    let allSettled!: () => void
    const all = new Promise<void>((resolve) => {
      allSettled = resolve
    })
    const finish = (j: number, result: T | CacheUnavailableError) => {
      settled[j] = 1
      settle(j, result)
      if (--left === 0) allSettled()
    }
    for (let j = 0; j < count; j++) {
      let pending: Promise<T>
      try {
        pending = start(j)
      } catch (error) {
        pending = Promise.reject(error)
      }
      pending.then(
        (value) => {
          this.answered()
          if (!settled[j]) finish(j, value)
        },
        (error: unknown) => {
          if (isReply(error)) this.answered()
          if (settled[j]) return
          if (!isReply(error)) this.#failed()
          finish(j, this.explain(error))
        },
      )
    }
    return bounded(all, this.timeoutMs, () => this.#timeoutError()).catch((timeout: CacheUnavailableError) => {
      // As many timeouts as commands that were still pending, as one bound per command counted.
      for (let j = 0; j < count; j++) {
        if (settled[j]) continue
        this.#timedOut(heard)
        finish(j, timeout)
      }
    })
  }

  // Made once, not per command (a command's bound needs no closure of its own).
  readonly #hooks: BoundHooks = {
    // Any answer, even one after the timeout (or an error reply), says the node is up.
    outcome: (error) => {
      if (error === undefined || isReply(error)) this.answered()
    },
    // A failure within the timeout: a lost connection opens the breaker; an error reply doesn't.
    error: (error) => {
      if (!isReply(error)) this.#failed()
      return this.explain(error)
    },
  }

  /** The error of a command not sent because the node is skipped; keeps asking where its keys went (rate-limited by the backend). */
  #skipped(): CacheUnavailableError {
    this.onTrouble()
    return new CacheUnavailableError(
      `cacheme: Redis node ${this.node} is being skipped after failures (cool-down ${this.#coolDownMs} ms)`,
      { outcome: 'not-applied' },
    )
  }

  /** A CacheUnavailableError for what a command of this node failed with, without secrets. */
  explain(error: unknown): CacheUnavailableError {
    if (error instanceof CacheUnavailableError) return error
    const cause = this.secrets.safeCause(error)
    const message = cause.message
    if (isReply(error)) {
      const reason = /^NOPERM\b|can't run this command/.test(message)
        ? `the Redis user lacks a permission: ${message}`
        : /^(WRONGPASS|NOAUTH)\b/.test(message)
          ? `Redis refused the credentials: ${message}`
          : `Redis refused the command: ${message}`
      return new CacheUnavailableError(`cacheme: ${reason} (node ${this.node})`, { outcome: 'not-applied', cause })
    }
    // Not sent at all (no connection, offline queue off) vs sent and lost: only the first is sure.
    const notSent = /Stream isn't writeable|Connection is closed|max retries per request|ECONNREFUSED|enableOfflineQueue/i.test(message)
    // A refused AUTH shows only on the connection: say that, not ioredis's "max retries" words.
    const connection = notSent ? this.lastConnectionError() : undefined
    if (connection !== undefined) {
      return new CacheUnavailableError(`cacheme: Redis node ${this.node} can't be used: ${this.#reason(connection)}`, {
        outcome: 'not-applied',
        cause,
      })
    }
    return new CacheUnavailableError(`cacheme: Redis node ${this.node} failed: ${message}`, {
      outcome: notSent ? 'not-applied' : 'unknown',
      cause,
    })
  }

  /** A connection error in words: a refused password or a missing permission said plainly. */
  #reason(error: unknown): string {
    const message = this.secrets.safeCause(error).message
    if (/^(WRONGPASS|NOAUTH)\b/.test(message)) return `Redis refused the credentials: ${message}`
    if (/^NOPERM\b/.test(message)) return `the Redis user lacks a permission: ${message}`
    return message
  }

  #allow(): boolean {
    if (this.#openUntil === 0) return true
    if (this.#probing || Date.now() < this.#openUntil) return false
    this.#probing = true
    return true
  }

  /**
   * Bytes arrived on the node's connection (part of a reply, perhaps of a big value still on its
   * way): a timeout soon after is a slow reply, not a silent node.
   */
  heard(): void {
    this.#heard++
  }

  /** The node answered (any reply, or its connection's ready check): it is up, the breaker closes. */
  answered(): void {
    this.#openUntil = 0
    this.#probing = false
    this.#timeouts = 0
  }

  /** A command timed out; `heard` is what `#heard` was when it was sent. */
  #timedOut(heard: number): void {
    this.onTrouble()
    // Replies are in order on a connection: the commands behind a big value time out too while
    // its bytes stream in. A node that sent something since the command (within the timeout) is
    // slow, not down. A count, not a clock: a 'data' event costs an increment.
    if (!this.#probing && this.#heard !== heard) return
    if (++this.#timeouts >= TIMEOUTS_TO_OPEN || this.#probing) this.#open()
  }

  #failed(): void {
    this.onTrouble()
    this.#open()
  }

  #open(): void {
    this.#openUntil = Date.now() + this.#coolDownMs
    this.#probing = false
  }
}

/** The server answered with an error (ReplyError, of any copy of ioredis): the node is up. */
function isReply(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError'
}

/**
 * A timer that calls `then` once `ms` have passed *and* the I/O that arrived meanwhile has been
 * handled: Node runs due timers before it reads sockets, so after the event loop was blocked
 * (a busy process, a long GC), a plain timeout would fire before a reply already waiting in the
 * socket, and a slow process would blame Redis. `setImmediate` runs after the I/O phase.
 */
export function afterIo(ms: number, then: () => void): NodeJS.Timeout {
  return setTimeout(() => setImmediate(then), ms)
}

/** A pending bound of `Deadlines`; `reject` is dropped once it settled. */
interface Deadline {
  readonly at: number
  readonly mark: number
  reject: ((error: unknown) => void) | undefined
}

/**
 * The time bounds of one node's commands, `bounded` for many works of the same length. They all
 * last `ms`, so they fall due in the order they began, and one timer, armed for the oldest one
 * still pending, serves them all: a timer per command cost a setTimeout and a clearTimeout each,
 * a microsecond, a tenth of this library's own CPU in a warm getMany(20) (bench/ab.mjs pattern
 * w); this costs a push, and a `ref()` when the node goes from idle to busy. As with `afterIo`,
 * due bounds are judged after the I/O that arrived meanwhile; the timer holds the process open
 * only while a bound is pending. Monotonic time (`performance.now()`), so a clock step moves none.
 */
class Deadlines {
  readonly #ms: number
  /** The error of a bound that fell due, given the `mark` it began with. */
  readonly #expire: (mark: number) => Error
  /**
   * In the order they began (so of their deadlines); settled ones are skipped, the head drops
   * them. A bound stuck at the head keeps the settled ones behind it here until it falls due: at
   * most `ms` of the node's commands, a few small objects each.
   */
  #queue: Deadline[] = []
  #head = 0
  #pending = 0
  #timer: NodeJS.Timeout | undefined

  constructor(ms: number, expire: (mark: number) => Error) {
    this.#ms = ms
    this.#expire = expire
  }

  /** `work`'s outcome, or `expire(mark)` once `ms` have passed; `hooks` as for `bounded`. */
  bound<T>(work: Promise<T>, mark: number, hooks: BoundHooks): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const deadline: Deadline = { at: performance.now() + this.#ms, mark, reject }
      this.#queue.push(deadline)
      if (this.#pending++ === 0) this.#busy()
      work.then(
        (value) => {
          hooks.outcome?.(undefined)
          if (this.#settle(deadline)) resolve(value)
        },
        (error: unknown) => {
          hooks.outcome?.(error)
          if (this.#settle(deadline)) reject(hooks.error ? hooks.error(error) : error)
        },
      )
    })
  }

  /** Marks `deadline` settled: false if it was already (it fell due). */
  #settle(deadline: Deadline): boolean {
    if (deadline.reject === undefined) return false
    deadline.reject = undefined
    if (--this.#pending === 0) this.#timer?.unref()
    // Replies come in order on a connection: the head settles first, and the queue stays short.
    const queue = this.#queue
    let head = this.#head
    while (head < queue.length && queue[head]!.reject === undefined) head++
    if (head === queue.length) {
      queue.length = 0
      head = 0
    }
    this.#head = head
    return true
  }

  #busy(): void {
    if (this.#timer === undefined) this.#timer = setTimeout(this.#due, this.#ms)
    else this.#timer.ref()
  }

  readonly #due = (): void => {
    setImmediate(this.#check)
  }

  /** Rejects the bounds that fell due, then arms the timer for the oldest one left. */
  readonly #check = (): void => {
    this.#timer = undefined
    const now = performance.now()
    const queue = this.#queue
    const due: Deadline[] = []
    let head = this.#head
    for (; head < queue.length; head++) {
      const deadline = queue[head]!
      if (deadline.reject === undefined) continue
      if (deadline.at > now) break
      due.push(deadline)
    }
    this.#queue = queue.slice(head)
    this.#head = 0
    if (this.#queue.length > 0) this.#timer = setTimeout(this.#due, Math.max(1, this.#queue[0]!.at - now))
    for (const deadline of due) {
      const reject = deadline.reject!
      deadline.reject = undefined
      if (--this.#pending === 0) this.#timer?.unref()
      reject(this.#expire(deadline.mark))
    }
  }
}

/** What a bound's owner learns of `work`, without a promise of its own (NodeHealth). */
export interface BoundHooks {
  /** Every outcome of `work`, even one after the bound (undefined: it fulfilled). */
  outcome?(error: unknown): void
  /** The error to reject with for a rejection within the bound. */
  error?(error: unknown): unknown
}

/**
 * `work`'s outcome, or the error `onTimeout()` makes once `ms` have passed (after pending I/O,
 * see `afterIo`). The time bound of a call's budget, a subscribe, a cluster node's group of GETs
 * (a node's single commands, all of one length, share a timer: `Deadlines`). A late outcome of
 * `work` is handled, never an unhandled rejection.
 */
export function bounded<T>(work: Promise<T>, ms: number, onTimeout: () => Error, hooks?: BoundHooks): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false
    const timer = afterIo(ms, () => {
      if (settled) return
      settled = true
      reject(onTimeout())
    })
    work.then(
      (value) => {
        hooks?.outcome?.(undefined)
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        hooks?.outcome?.(error)
        if (settled) return
        settled = true
        clearTimeout(timer)
        reject(hooks?.error ? hooks.error(error) : error)
      },
    )
  })
}
