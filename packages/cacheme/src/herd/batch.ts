import type { AcquireResult, BatchLock, BatchSettle, HeldLock, IndexName, IndexedKey, Lock } from '../backends/backend.js'
import { tracedFetch } from '../client/tracing.js'
import { frameMarker } from '../codec/frame.js'
import { describeValue } from '../describe.js'
import { FetchManyError, FetchTimeoutError } from '../errors.js'
import { stamp } from './freshness.js'
import { afterLookup, afterRace, logForeign, newToken, notifyFailed, type HeldMarker, type HerdContext, type Load } from './herd.js'
import { encodeNotice, valueNotice, type Notice } from './notice.js'

/**
 * Batch loading (a store with `fetchMany`): the misses of one lookup batch of a store (one
 * `getMany`, one `pipeline.execute()`, the `get`s of one tick) are filled together:
 *
 *   lookups       → hits return at once; markers are joined or waited on per key (herd.ts)
 *   misses        → ONE acquire script per node takes the locks of all of them
 *   locks taken   → ONE `fetchMany` call with those keys' params (and those whose lookup failed:
 *                   fetched without the cache, as a lone miss's fallback would be)
 *   lost the race → per key, as herd.ts does after a lost acquire (a value, a wait, a join)
 *   the values    → ONE commit script per node; a failed fetchMany releases every lock at
 *                   once (one script per node) and hands its error to the waiters of every process
 *
 * Each key keeps its own marker and token, so everything per key in herd.ts still holds: a
 * lookup of this process that sees one of the batch's markers joins that key's fill through
 * `core.fills`, other processes wait on it and get its notice, a takeover after `lock.wait`
 * fences the batch's commit of that key.
 */

export interface FetchManyContext {
  /** Aborted when the store's `fetchTimeout.hard` passes (its callers then reject with FetchTimeoutError). */
  readonly signal: AbortSignal
}

/** The store option: values in the order of `paramsList`, one per params. */
export type FetchMany<P, T> = (paramsList: P[], ctx: FetchManyContext) => readonly T[] | Promise<readonly T[]>

/** What the batch needs from its client beyond the herd's needs: the batch lock steps and the lookup batch now open. */
export interface BatchContext extends HerdContext {
  readonly backend: { readonly lock: Lock; readonly batchLock: BatchLock }
  readonly lookups: { readonly batch: number }
  readonly prefix: string
}

/** One store's batches: a lookup joins the batch of its client's lookup batch (its tick). */
export class BatchLoader<P, T> {
  #open: Batch<P, T> | undefined

  constructor(private readonly fetchMany: FetchMany<P, T>) {}

  /**
   * Counts a lookup about to be queued; its outcome must then be given to the ticket, by
   * `settle()` (what the lookup found) or `skip()` (a hit, or a failure before any), exactly once.
   */
  join(core: BatchContext): Ticket<P, T> {
    let batch = this.#open
    if (!batch || batch.core !== core || batch.number !== core.lookups.batch) {
      batch = this.#open = new Batch(core, core.lookups.batch, this.fetchMany)
    }
    return new Ticket(batch, batch.pending++)
  }
}

/** One lookup's place in its batch: fetchMany gets the misses in the order their lookups were made. */
export class Ticket<P, T> {
  constructor(
    private readonly batch: Batch<P, T>,
    private readonly order: number,
  ) {}

  /** The lookup needs nothing from the batch (a hit, a failure before any lookup). */
  skip(): void {
    this.batch.report()
  }

  /** What the lookup of `load.key` found (a miss, foreign bytes, a marker, a value or its node's Error). */
  settle(load: Load<T>, params: P, found: Buffer | null | Error): Promise<T> {
    try {
      return this.batch.classify(load, params, found, this.order)
    } finally {
      this.batch.report()
    }
  }
}

/** The misses of one lookup batch, filled once every lookup of it has been answered. */
class Batch<P, T> {
  pending = 0
  readonly #entries = new Map<string, Entry<P, T>>()

  constructor(
    readonly core: BatchContext,
    readonly number: number,
    private readonly fetchMany: FetchMany<P, T>,
  ) {}

  classify(load: Load<T>, params: P, found: Buffer | null | Error, order: number): Promise<T> {
    if (found instanceof Error) return this.#add(load, params, order, undefined, found)
    if (found === null) {
      load.core.log(load.store, load.key, 'MISS')
      return this.#add(load, params, order, undefined, undefined)
    }
    const frame = load.format.read(found)
    if (frame.kind === 'marker') return afterLookup(load, found)
    let cause: unknown
    if (frame.kind === 'value') {
      try {
        const value = load.format.decode(frame)
        load.core.log(load.store, load.key, 'HIT')
        return Promise.resolve(value)
      } catch (error) {
        cause = error
      }
    }
    logForeign(load, cause)
    return this.#add(load, params, order, found, undefined)
  }

  /** A key to fill; a key already in the batch (loads without singleflight) shares its fill. */
  #add(load: Load<T>, params: P, order: number, replace: Buffer | undefined, failure: Error | undefined): Promise<T> {
    const existing = this.#entries.get(load.key)
    if (existing) return existing.promise
    const entry = new Entry(load, params, order, replace, failure)
    this.#entries.set(load.key, entry)
    return entry.promise
  }

  report(): void {
    if (--this.pending > 0 || this.#entries.size === 0) return
    // In the order of the lookups (a cluster answers node by node).
    const entries = [...this.#entries.values()].sort((a, b) => a.order - b.order)
    this.#entries.clear() // every lookup of the batch has reported: no one joins it any more
    fillBatch(this.core, this.fetchMany, entries).catch((error: unknown) => {
      // Not expected (every step handles its failures): no caller is left hanging.
      for (const entry of entries) entry.reject(error)
    })
  }
}

class Entry<P, T> {
  readonly promise: Promise<T>
  resolve!: (value: T) => void
  reject!: (error: unknown) => void
  /** Set once this entry holds its key's lock. */
  lock: (HeldLock & IndexedKey) | undefined
  token = ''

  constructor(
    readonly load: Load<T>,
    readonly params: P,
    readonly order: number,
    readonly replace: Buffer | undefined,
    public failure: Error | undefined,
  ) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
  }

  /** This entry's outcome is another's (a wait, a join, a shared fallback). */
  follow(other: Promise<T>): void {
    other.then(this.resolve, this.reject)
  }

  /** Holds the lock: this process's lookups that see the marker join this fill; close() releases it. */
  hold(core: BatchContext, token: string, head: Buffer): void {
    this.token = token
    this.lock = { key: this.load.key, index: this.load.index, tags: this.load.tags, head }
    const marker: HeldMarker = this.lock
    core.held.add(marker)
    core.fills.set(token, this.promise)
    const done = () => {
      core.held.delete(marker)
      // Kept one turn longer, as herd.ts hold() does: a lookup answered before the commit still joins.
      setImmediate(() => core.fills.delete(token))
    }
    this.promise.then(done, done)
  }

  /** Fetched without the cache: later fallbacks of this key in this process share it (as withoutCache does). */
  share(core: BatchContext): Promise<T> | undefined {
    const { key, singleflight } = this.load
    if (!singleflight) return undefined
    const existing = core.fallbacks.get(key) as Promise<T> | undefined
    if (existing) return existing
    core.fallbacks.set(key, this.promise)
    const done = () => {
      if (core.fallbacks.get(key) === this.promise) core.fallbacks.delete(key)
    }
    this.promise.then(done, done)
    return undefined
  }
}

async function fillBatch<P, T>(core: BatchContext, fetchMany: FetchMany<P, T>, entries: Entry<P, T>[]): Promise<void> {
  const { store, lock, budget, ttlMs } = entries[0]!.load
  const toLock = entries.filter((e) => !e.failure)
  if (toLock.length > 0) {
    const tokens = toLock.map(() => newToken())
    // Listed with the marker, as a lone fill's (herd.ts): its static tags' sets, or the pending set.
    const items = toLock.map((e, i) => ({
      key: e.load.key,
      index: e.load.index,
      tags: e.load.tags,
      head: frameMarker(tokens[i]!),
      replace: e.replace,
    }))
    let results: (AcquireResult | Error)[]
    try {
      results = await budget.spend(core.backend.batchLock.acquire(items, lock.ttlMs, ttlMs))
    } catch (error) {
      results = items.map(() => error as Error)
    }
    const lost: (HeldLock & IndexedKey)[] = []
    toLock.forEach((entry, i) => {
      const result = results[i]!
      if (result instanceof Error) {
        // The acquire may still run later: a release after it removes the marker it would leave.
        lost.push(items[i]!)
        entry.failure = result
      } else if (result.acquired) {
        entry.hold(core, tokens[i]!, items[i]!.head)
      } else {
        entry.follow(afterRace(entry.load, result.current, result.pttlMs))
      }
    })
    if (lost.length > 0) releaseLater(core, lost)
  }
  const toFetch: Entry<P, T>[] = []
  for (const entry of entries) {
    if (entry.lock) {
      toFetch.push(entry)
    } else if (entry.failure) {
      core.log(store, entry.load.key, 'ERROR', { error: entry.failure })
      const shared = entry.share(core)
      if (shared) entry.follow(shared)
      else toFetch.push(entry)
    }
  }
  if (toFetch.length === 0) return
  for (const entry of toFetch) core.log(store, entry.load.key, 'FETCH')
  const held = toFetch.flatMap((e) => (e.lock ? [e] : []))
  const stopExtending = keepLocked(
    core,
    held.map((e) => e.lock!),
    lock.ttlMs,
  )
  let values: readonly T[]
  const started = performance.now()
  try {
    values = await callFetchMany(store, fetchMany, toFetch, entries[0]!.load.fresh.hardMs, core.shortKey(toFetch[0]!.load.key))
  } catch (error) {
    stopExtending()
    const failure = error as FetchManyError | FetchTimeoutError
    const message = core.secrets.redact(failure.message)
    // Waiters everywhere learn it as for a lone fetch: a timeout (FetchTimeoutError) or an error.
    const notice = (e: Entry<P, T>): Notice =>
      failure instanceof FetchTimeoutError
        ? { token: e.token, kind: 'timeout', timeoutMs: failure.timeoutMs, key: failure.key }
        : { token: e.token, kind: 'error', message }
    await settle(core, held, (e) => ({ value: null, notice: notice(e) }), true)
    for (const entry of toFetch) entry.reject(failure)
    return
  }
  stopExtending()
  // Each value carries the batch's fetch time as its δ (freshness metadata, herd/freshness.ts).
  const deltaMs = performance.now() - started
  const byEntry = new Map(toFetch.map((e, i) => [e, values[i]!]))
  await settle(
    core,
    held,
    (e) => {
      let bytes: Buffer
      let ttlMs: number
      let tagged: ReturnType<NonNullable<Load<T>['valueTags']>> | undefined
      try {
        const value = byEntry.get(e)!
        ;({ bytes, ttlMs } = stamp(e.load.format.write(value), e.load.control().ttlMs, deltaMs, e.load.fresh))
        // The sets the value is listed in: a tags function's are known only now (herd.ts holdAndCommit).
        tagged = e.load.valueTags?.(value)
      } catch (error) {
        // Not storable: the callers here get the value; other processes' waiters find the key empty and fetch.
        core.log(store, e.load.key, 'ERROR', { error: core.secrets.safeCause(error) })
        return { value: null, notice: { token: e.token, kind: 'filled' } }
      }
      return { value: bytes, ttlMs, notice: valueNotice(e.token, bytes), ...tagged }
    },
    false,
  )
  toFetch.forEach((entry, i) => entry.resolve(values[i]!))
}

/** One call of the store's fetchMany, checked: one value per params, or a FetchManyError naming the store and the lengths. */
async function callFetchMany<P, T>(
  store: string,
  fetchMany: FetchMany<P, T>,
  entries: Entry<P, T>[],
  hardMs: number,
  firstKey: string,
): Promise<readonly T[]> {
  const count = entries.length
  const params = entries.map((e) => e.params)
  const abort = new AbortController()
  const ctx: FetchManyContext = { signal: abort.signal }
  let values: unknown
  try {
    const call = tracedFetch(
      store,
      () => entries.map((e) => e.load.key).join(' '),
      () => fetchMany(params, ctx),
    )
    values =
      hardMs <= 0
        ? await call
        : await new Promise((resolve, reject) => {
            // fetchTimeout.hard bounds the batch's one call as it bounds a lone fetch (fetch-control.ts).
            const timer = setTimeout(() => {
              const error = new FetchTimeoutError(store, firstKey, hardMs)
              abort.abort(error)
              reject(error)
            }, hardMs)
            call.then(
              (value) => {
                clearTimeout(timer)
                resolve(value)
              },
              (error: unknown) => {
                clearTimeout(timer)
                reject(error)
              },
            )
          })
  } catch (error) {
    if (error instanceof FetchTimeoutError) throw error
    const reason = error instanceof Error ? error.message : String(error)
    throw new FetchManyError(store, count, undefined, `cacheme: fetchMany of store '${store}' failed for ${count} keys: ${reason}`, {
      cause: error,
    })
  }
  if (!Array.isArray(values) || values.length !== count) {
    const got = Array.isArray(values) ? `${values.length} values` : describeValue(values)
    throw new FetchManyError(
      store,
      count,
      Array.isArray(values) ? values.length : -1,
      `cacheme: fetchMany of store '${store}' must return one value per params, in order: it was given ${count} params and returned ${got}`,
    )
  }
  return values as readonly T[]
}

/**
 * Commits or releases the held keys (one script per node), then tells this process's waiters.
 * `release`: the notices go out before the Redis step (a failed fetch: waiters here learn at
 * once), as herd.ts release() does; a commit's go out after it, as holdAndCommit() does.
 */
async function settle<P, T>(
  core: BatchContext,
  held: Entry<P, T>[],
  outcome: (entry: Entry<P, T>) => {
    value: Buffer | null
    ttlMs?: number
    notice: Notice
    tags?: readonly IndexName[]
    pending?: IndexName
  },
  release: boolean,
): Promise<void> {
  if (held.length === 0) return
  const outcomes = held.map(outcome)
  const deliver = () => held.forEach((e, i) => core.hub()?.deliver(e.load.key, outcomes[i]!.notice))
  if (release) deliver()
  const items: BatchSettle[] = held.map((e, i) => ({
    key: e.load.key,
    index: e.load.index,
    tags: outcomes[i]!.tags,
    pending: outcomes[i]!.pending,
    head: e.lock!.head,
    ttlMs: outcomes[i]!.ttlMs ?? e.load.ttlMs,
    value: outcomes[i]!.value,
    notice: encodeNotice(outcomes[i]!.notice),
    noticeOfValue: outcomes[i]!.notice.kind === 'value',
  }))
  const { store, budget } = held[0]!.load
  const pending = core.backend.batchLock.settle(items)
  try {
    const results = await budget.spend(pending)
    const failed: BatchSettle[] = []
    results.forEach((result, i) => {
      const key = items[i]!.key
      if (result instanceof Error) {
        core.log(store, key, 'ERROR', { error: result })
        failed.push(items[i]!)
      } else if (result.notifyError) {
        core.log(store, key, 'ERROR', { error: notifyFailed(result.notifyError) })
      }
    })
    if (failed.length > 0) releaseLater(core, failed)
  } catch (error) {
    // The step may still land (it goes on): a commit is fenced, so it never overwrites a later
    // write. The callers here have their outcome either way.
    for (const item of items) core.log(store, item.key, 'ERROR', { error: error as Error })
    pending.then(
      (results) => {
        const failed = items.filter((_, i) => results[i] instanceof Error)
        if (failed.length > 0) releaseLater(core, failed)
      },
      () => releaseLater(core, items),
    )
  }
  if (!release) deliver()
}

/** Releases markers that a failed or timed-out step may still leave (never another's); never awaited, never bounded. */
function releaseLater(core: BatchContext, locks: readonly (HeldLock & IndexedKey)[]): void {
  const items = locks.map(({ key, index, head }) => ({ key, index, head, value: null, ttlMs: 0, notice: null }))
  core.backend.batchLock.settle(items).catch(() => {})
}

/** Extends the held locks every third of their TTL while fetchMany runs (one script per node). */
function keepLocked(core: BatchContext, locks: (HeldLock & IndexedKey)[], ttlMs: number): () => void {
  if (locks.length === 0) return () => {}
  const timer = setInterval(
    () => {
      core.backend.batchLock.extend(locks, ttlMs).catch(() => {}) // Redis failed: try again next time.
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  )
  timer.unref()
  return () => clearInterval(timer)
}
