import calculateSlot from 'cluster-key-slot'
import type { ChainableCommander, Cluster, Redis } from 'ioredis'
import { MARKER_HEAD_LENGTH, MARKER_MAGIC } from '../codec/frame.js'
import type { RedisInstance } from '../client/options.js'
import type { Secrets } from '../client/secrets.js'
import { CacheUnavailableError } from '../errors.js'
import { CHANGED_NOTICE } from '../herd/notice.js'
import { ACQUIRE, COMMIT, DEL, DEL_INDEXED, DEL_INDEXED_ON_NODE, EXTEND, RELEASE, SET, type Script } from '../herd/scripts.js'
import type { AcquireMode, AcquireResult, Backend, Deliver, IndexName, IndexedKey, Lock, SetEntry, SubscriberConnection } from './backend.js'
import { NodeHealth } from './node-health.js'
import { RedisSubscriber } from './redis-subscriber.js'
import { slotTag } from './slot-tags.js'

type Arg = string | Buffer | number
type PipelineResult = [error: Error | null, result: unknown][] | null

/** Keys an index script deletes per call, so one call never blocks the server for long. */
const INDEX_CHUNK = 500
/** How long close() waits for QUIT before dropping the connection (a hung server never answers). */
const QUIT_TIMEOUT_MS = 1000
/** At most one slot-map refresh per this long, however many commands time out. */
const REFRESH_INTERVAL_MS = 1000

/**
 * Redis and Redis Cluster storage. Multi-key work goes out as one pipeline per master (cluster)
 * or one MGET/pipeline (standalone): one round trip per node. Every command runs under its
 * node's health (time bound, breaker), so a slow, hung or moving node fails only its own keys.
 * Scripts go by EVALSHA, falling back to EVAL when the server doesn't know them yet (NOSCRIPT).
 */
export class RedisBackend implements Backend {
  readonly kind: 'redis' | 'cluster'
  readonly #redis: RedisInstance
  readonly #owned: boolean
  readonly #timeoutMs: number
  readonly #secrets: Secrets
  readonly #nodes = new Map<string, NodeHealth>()
  #lastConnectionError: unknown
  #publish: Promise<string> | undefined
  #shardedPubSub = false
  #lastRefresh = 0
  /** When the (standalone) connection last became ready; 0 until it does. */
  #readyAt = 0

  constructor(redis: RedisInstance, options: { owned: boolean; timeoutMs: number; secrets: Secrets }) {
    this.#redis = redis
    this.kind = (redis as Cluster).isCluster ? 'cluster' : 'redis'
    this.#owned = options.owned
    this.#timeoutMs = options.timeoutMs
    this.#secrets = options.secrets
    // Kept for the reason of the next failure: a refused AUTH is told only as an 'error' event.
    redis.on('error', (error: unknown) => { this.#lastConnectionError = error })
    redis.on('ready', () => { this.#lastConnectionError = undefined })
    this.#readyAt = redis.status === 'ready' ? Date.now() : 0
    redis.on('ready', () => { this.#readyAt = Date.now() })
  }

  async get(keys: readonly string[], deliver?: Deliver<Buffer | null | Error>): Promise<(Buffer | null | Error)[]> {
    const out: (Buffer | null | Error)[] = new Array(keys.length).fill(null)
    if (keys.length === 0) return out
    if (this.kind === 'redis') {
      const redis = this.#redis as Redis
      try {
        const values = await this.#health('redis').run(() =>
          keys.length === 1 ? redis.getBuffer(keys[0]!).then((v) => [v]) : redis.mgetBuffer(...(keys as string[])))
        for (let i = 0; i < keys.length; i++) out[i] = values[i] ?? null
      } catch (error) {
        out.fill(error as Error)
      }
      return out
    }
    // A cluster: one GET per key, not a pipeline per node. They still leave in one write burst
    // per node (one round trip), and each follows its own MOVED / ASK: ioredis retries a
    // read-only pipeline with one ASK error *whole* on the ASK target, where the other keys
    // aren't, and they would read as misses.
    const cluster = this.#redis as Cluster
    const groups = this.#groups(keys)
    await Promise.all([...groups].map(async ([node, group]) => {
      const health = this.#health(node)
      await Promise.all(group.map(async (i) => {
        let result: Buffer | null | Error
        try {
          result = await health.run(() => cluster.getBuffer(keys[i]!))
        } catch (error) {
          result = error as Error
        }
        out[i] = result
        deliver?.(i, result)
      }))
    }))
    return out
  }

  async set(entries: readonly SetEntry[], deliver?: Deliver<Error | undefined>): Promise<(Error | undefined)[]> {
    const publish = await this.#publishCommand()
    return this.#scriptPerKey(SET, entries, (e) => [e.value, e.ttlMs, publish, CHANGED_NOTICE], deliver)
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
        const [count, taken] = await this.#script(DEL_INDEXED, name, [], [INDEX_CHUNK]) as [number, number]
        removed += count
        if (taken < INDEX_CHUNK) return removed
      }
    }
    // One index per slot: one script per master over the indexes of the slots it serves,
    // again for those that still have members (a call deletes at most INDEX_CHUNK keys).
    const cluster = this.#redis as Cluster
    const byNode = new Map<string, string[]>()
    cluster.slots.forEach((owners, slot) => {
      const node = owners?.[0]
      if (!node) return
      let names = byNode.get(node)
      if (!names) byNode.set(node, (names = []))
      names.push(`${index.head}{${slotTag(slot)}}${index.tail}`)
    })
    if (byNode.size === 0) throw new CacheUnavailableError('cacheme: the cluster\'s slot map is not known yet', { outcome: 'not-applied' })
    let removed = 0
    await Promise.all([...byNode].map(async ([node, names]) => {
      const redis = cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === node)
      if (!redis) throw new CacheUnavailableError(`cacheme: no connection to cluster master ${node}`, { outcome: 'not-applied' })
      let left = names
      while (left.length > 0) {
        const [count, rest] = await this.#health(node).run(() => evalOn(redis, DEL_INDEXED_ON_NODE, [], [INDEX_CHUNK, ...left])) as [number, Buffer[]]
        removed += count
        left = rest.map((name) => name.toString('utf8'))
      }
    }))
    return removed
  }

  readonly lock: Lock = {
    acquire: async (entry, head, lockTtlMs, how: AcquireMode, ttlMs): Promise<AcquireResult> => {
      const mode = how.mode
      const reply = await this.#script(ACQUIRE, entry.key, [this.#indexOf(entry)], [
        head, lockTtlMs, mode, 'bytes' in how ? how.bytes : '', ttlMs, MARKER_MAGIC, MARKER_HEAD_LENGTH,
      ]) as [number, Buffer?, number?]
      if (reply[0] === 1) return reply[1] ? { acquired: true, replaced: reply[1] } : { acquired: true }
      return { acquired: false, current: reply[1]!, pttlMs: reply[2]! }
    },
    extend: async (key, head, lockTtlMs) =>
      (await this.#script(EXTEND, key, [key], [head, lockTtlMs])) === 1,
    commit: async (entry, head, notice) => {
      const publish = await this.#publishCommand()
      return outcomeOf(await this.#script(COMMIT, entry.key, [this.#indexOf(entry)], [head, entry.value, entry.ttlMs, publish, notice]))
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

  async close(): Promise<void> {
    if (!this.#owned) return
    let timer: NodeJS.Timeout | undefined
    const gaveUp = new Promise<void>((resolve) => { timer = setTimeout(resolve, QUIT_TIMEOUT_MS) })
    await Promise.race([this.#redis.quit().catch(() => {}), gaveUp])
    clearTimeout(timer)
    this.#redis.disconnect()
  }

  /** The index key for an entry: on a cluster, tagged with the key's slot. */
  #indexOf({ key, index }: IndexedKey): string {
    return this.kind === 'redis' ? index.head + index.tail : `${index.head}{${slotTag(calculateSlot(key))}}${index.tail}`
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
      health = new NodeHealth(node, this.#timeoutMs, this.#secrets, () => this.#onTrouble(), () => this.#lastConnectionError)
      this.#nodes.set(node, health)
    }
    return health
  }

  /** A node timed out or dropped: find out why it is stuck, and get unstuck. */
  #onTrouble(): void {
    this.#refreshSlots()
    this.#reconnectIfStuck()
  }

  /**
   * A reconnect that lands in a server that accepts and never answers hangs for good: ioredis
   * drops its connect timeout once TCP is up, and waits for a ready check that never comes. A
   * connection of ours that has not been ready for longer than the timeout is dropped and
   * dialled again (an instance you passed in is yours to manage).
   */
  #reconnectIfStuck(): void {
    if (!this.#owned || this.kind !== 'redis') return
    const redis = this.#redis as Redis
    if (redis.status === 'connect' && Date.now() - this.#readyAt > this.#timeoutMs) redis.disconnect(true)
  }

  /**
   * A timed-out or dropped cluster node may have been failed over: ask for the slot map again
   * (ioredis only does so on MOVED), at most once a second.
   */
  #refreshSlots(): void {
    if (this.kind !== 'cluster' || Date.now() - this.#lastRefresh < REFRESH_INTERVAL_MS) return
    this.#lastRefresh = Date.now()
    try {
      (this.#redis as Cluster).refreshSlotsCache(() => {})
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
  async #scriptPerKey<E extends IndexedKey>(script: Script, entries: readonly E[], argsOf: (entry: E) => Arg[], deliver?: Deliver<Error | undefined>): Promise<(Error | undefined)[]> {
    const out: (Error | undefined)[] = new Array(entries.length).fill(undefined)
    if (entries.length === 1) {
      const entry = entries[0]!
      try {
        await this.#script(script, entry.key, [this.#indexOf(entry)], argsOf(entry))
      } catch (error) {
        out[0] = error as Error
      }
      return out
    }
    const keys = entries.map((e) => e.key)
    await this.#perNodeScript(script, keys, (key, i) => ({ keys: [key, this.#indexOf(entries[i]!)], args: argsOf(entries[i]!) }), (i, result) => {
      if (result instanceof Error) out[i] = result
      deliver?.(i, out[i])
    })
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
    return this.#perNode(keys, (pipeline, key, i) => pipeline.callBuffer('EVALSHA', script.sha, ...argv(key, i)),
      (key, i) => this.#redis.callBuffer('EVAL', script.lua, ...argv(key, i)), collect,
      { retry: isNoScript, addAgain: (pipeline, key, i) => pipeline.callBuffer('EVAL', script.lua, ...argv(key, i)) })
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
    await Promise.all([...groups].map(async ([node, group]) => {
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
      await Promise.all(group.map(async (i, n) => {
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
      }))
    }))
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
      detect.catch(() => { if (this.#publish === detect) this.#publish = undefined })
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
