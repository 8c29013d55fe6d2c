import { randomUUID } from 'node:crypto'
import type { AcquireMode, AcquireResult, IndexName, Lock } from '../backends/backend.js'
import type { Budget } from '../client/budget.js'
import type { CacheOp, OpDetail } from '../client/logger.js'
import type { Secrets } from '../client/secrets.js'
import { frameMarker, type Frame } from '../codec/frame.js'
import type { ValueFormat } from '../codec/codec.js'
import { FetchFailedElsewhereError, FetchTimeoutError } from '../errors.js'
import type { FetchControl } from './fetch-control.js'
import { judge, stamp, type FreshnessPolicy } from './freshness.js'
import { encodeNotice, valueNotice, type Notice } from './notice.js'
import type { SubscriberHub } from './hub.js'
import type { Subscription } from './subscription.js'

/**
 * Herd protection, top to bottom: what a lookup found decides everything.
 *
 *   value          → return it (HIT)
 *   nothing        → acquire the lock (a marker in the value key), fetch, commit  (MISS, FETCH)
 *   foreign bytes  → the same, replacing exactly those bytes                     (ERROR, FETCH)
 *   our marker     → join this process's fill of that token
 *   other marker   → wait for its holder's notice, re-checking the key           (WAIT)
 *   a failure      → call the fetcher without the cache, once per key here       (ERROR, FETCH)
 *
 * Read-after-write (the contract's rule): a caller only ever joins work whose outcome comes
 * after it started. It joins a fill or a wait only because its *own* lookup saw that marker,
 * and a marker still in Redis after a write resolved was set after that write (an invalidate
 * deletes it, a set overwrites it), so the fetch behind it started after the write too.
 *
 * A wait on one holder is bounded by `lock.wait`, after which the waiter takes the lock over
 * (CAS on the exact marker it waited on; the first process to do so fetches, the others wait on
 * it); and a marker with no TTL, or a TTL longer than a lock's, was not set by a live holder:
 * it is replaced at once. The scripts are in scripts.ts, beside this.
 */

export interface LockSettings {
  /** Cross-process protection: false fetches on another's marker instead of waiting (writes stay fenced). */
  herd: boolean
  ttlMs: number
  waitMs: number
}

/** A lock marker held right now (for close() to release). */
export interface HeldMarker {
  key: string
  head: Buffer
}

/** What the herd needs from its client, and no more. */
export interface HerdContext {
  readonly backend: { readonly lock: Lock }
  /** The subscriber hub; undefined once the client is closed. */
  hub(): SubscriberHub | undefined
  /** This process's fills by holder token, its waits by key and token, its fallback fetches by key. */
  readonly fills: Map<string, Promise<unknown>>
  readonly waits: Map<string, Promise<unknown>>
  readonly fallbacks: Map<string, Promise<unknown>>
  readonly held: Set<HeldMarker>
  readonly secrets: Secrets
  log(store: string, key: string, op: CacheOp, detail?: OpDetail): void
  /** A key as errors and the logger name it: without the client's prefix. */
  shortKey(key: string): string
}

/** One call's miss: what it needs to fetch, store and tell others. */
export interface Load<T> {
  core: HerdContext
  store: string
  key: string
  index: IndexName
  /** How long Redis keeps a value written with the store's TTL (that TTL plus its freshness windows). */
  ttlMs: number
  format: ValueFormat<T>
  /** Calls the fetcher (traced, with `control`'s context and hard timeout); always a promise, even for a fetcher that throws. */
  fetch: (control?: FetchControl<T>) => Promise<T>
  /** A fetch's control, with the store's TTL; `stale`: the value it refreshes. */
  control: (stale?: { value: T }) => FetchControl<T>
  /** The store's freshness options (herd/freshness.ts). */
  fresh: FreshnessPolicy
  /** The value a refresh replaces (the fetcher's `ctx.stale`). */
  stale?: { value: T }
  lock: LockSettings
  singleflight: boolean
  budget: Budget
  /** The tag sets (store option `tags`) the lock marker is listed in, so an invalidateTags fences the fill. */
  tags?: readonly IndexName[]
  /** The tag sets of the fetched value (and the set the marker was listed in until they were known). */
  valueTags?: (value: T) => { tags: readonly IndexName[]; pending?: IndexName }
}

/** A marker's remaining TTL can be a few ms stale: wake just after it lapses. */
const EXPIRY_SLACK_MS = 5
/** Re-checks of a waited-on key: the first soon after subscribing, then backing off to this. */
const POLL_FIRST_MS = 50
const POLL_MAX_MS = 1000

/** What a lookup found for `load.key`: its stored bytes, null (missing) or the node's Error. */
export function afterLookup<T>(load: Load<T>, found: Buffer | null | Error): Promise<T> {
  const { core, store, key } = load
  if (found instanceof Error) return withoutCache(load, found)
  if (found === null) {
    core.log(store, key, 'MISS')
    return fill(load, { mode: 'missing' })
  }
  const frame = load.format.read(found)
  if (frame.kind === 'value') {
    try {
      const value = load.format.decode(frame)
      core.log(store, key, 'HIT')
      return Promise.resolve(value)
    } catch (error) {
      return foreign(load, found, error)
    }
  }
  if (frame.kind === 'marker') return onMarker(load, frame, found, undefined)
  return foreign(load, found, undefined)
}

/** Fetches now and stores the value over whatever the key holds (fencing fills in flight). */
export async function refresh<T>(load: Load<T>): Promise<T> {
  const token = newToken()
  const head = frameMarker(token)
  let state: AcquireResult
  try {
    state = await load.budget.spend(load.core.backend.lock.acquire(load, head, load.lock.ttlMs, { mode: 'force' }, load.ttlMs))
  } catch (error) {
    releaseIfStillOurs(load, head)
    return withoutCache(load, error)
  }
  if (!state.acquired) throw new Error('cacheme: a forced lock was not taken') // the script always takes it
  return hold(state.replaced ? { ...load, stale: staleOf(load, state.replaced) } : load, token, head)
}

/** The value a refresh replaced (the fetcher's `ctx.stale`): a value, or the one a marker kept; undefined if neither decodes. */
function staleOf<T>(load: Load<T>, replaced: Buffer): { value: T } | undefined {
  let frame = load.format.read(replaced)
  if (frame.kind === 'marker' && frame.previous && (frame.previousExpiresAt < 0 || frame.previousExpiresAt > Date.now())) {
    frame = load.format.read(frame.previous)
  }
  if (frame.kind !== 'value') return undefined
  try {
    return { value: load.format.decode(frame) }
  } catch {
    return undefined
  }
}

/** Bytes the store's format did not produce: a miss that replaces exactly them. */
function foreign<T>(load: Load<T>, bytes: Buffer, cause: unknown): Promise<T> {
  logForeign(load, cause)
  return fill(load, { mode: 'replace', bytes })
}

/** Logs ERROR for bytes under `load.key` that the store's format did not produce (`cause`: why decoding failed). */
export function logForeign<T>(load: Load<T>, cause: unknown): void {
  const error = new Error(
    `cacheme: the value under '${load.key}' was not written by this store's codec; fetching it again`,
    cause === undefined ? undefined : { cause: load.core.secrets.safeCause(cause) },
  )
  load.core.log(load.store, load.key, 'ERROR', { error })
}

/** Takes the lock and fills, or deals with whatever holds the key instead. */
export async function fill<T>(load: Load<T>, how: AcquireMode): Promise<T> {
  const token = newToken()
  const head = frameMarker(token)
  let state: AcquireResult
  try {
    state = await load.budget.spend(load.core.backend.lock.acquire(load, head, load.lock.ttlMs, how, load.ttlMs))
  } catch (error) {
    releaseIfStillOurs(load, head)
    return withoutCache(load, error)
  }
  if (state.acquired) return hold(load, token, head)
  return afterRace(load, state.current, state.pttlMs)
}

/** Someone else got there between our lookup and our acquire: a value, a marker, or foreign bytes. */
export function afterRace<T>(load: Load<T>, current: Buffer, pttlMs: number): Promise<T> {
  const frame = load.format.read(current)
  if (frame.kind === 'value') {
    try {
      const value = load.format.decode(frame)
      // A value past its freshness here was given back by a refresh that failed: the old value, STALE.
      load.core.log(load.store, load.key, frame.fresh !== undefined && judge(frame, Date.now(), neverEarly) !== 'fresh' ? 'STALE' : 'HIT')
      return Promise.resolve(value)
    } catch (error) {
      return foreign(load, current, error)
    }
  }
  if (frame.kind === 'marker') return onMarker(load, frame, current, pttlMs)
  return foreign(load, current, undefined)
}

/** A lock marker: serve the value a refresh keeps readable, join our own fill, or wait. */
function onMarker<T>(load: Load<T>, frame: Extract<Frame, { kind: 'marker' }>, bytes: Buffer, pttlMs: number | undefined): Promise<T> {
  const { core } = load
  if (frame.previous && (frame.previousExpiresAt < 0 || frame.previousExpiresAt > Date.now())) {
    // A refresh in flight keeps the value it replaces: still the newest confirmed one.
    const previous = load.format.read(frame.previous)
    // Past its staleWhileRevalidate window, it only stands in for a failed fetch (revalidate.ts): wait.
    const verdict = previous.kind === 'value' ? judge(previous, Date.now(), neverEarly) : undefined
    if (previous.kind === 'value' && verdict !== 'expired') {
      try {
        const value = load.format.decode(previous)
        core.log(load.store, load.key, verdict === 'stale' ? 'STALE' : 'HIT')
        return Promise.resolve(value)
      } catch {
        // Not decodable: wait for the refresh like for any fill.
      }
    }
  }
  if (load.singleflight) {
    const own = core.fills.get(frame.token) as Promise<T> | undefined
    if (own) return own
  }
  if (!load.lock.herd) {
    // No cross-process protection: fetch for ourselves, write nothing over the other's fill.
    core.log(load.store, load.key, 'FETCH')
    return load.fetch()
  }
  if (!load.singleflight) return wait(load, frame.token, bytes, pttlMs)
  const id = `${load.key}\u0000${frame.token}`
  const existing = core.waits.get(id) as Promise<T> | undefined
  if (existing) return existing
  const waiting = wait(load, frame.token, bytes, pttlMs)
  core.waits.set(id, waiting)
  const done = () => {
    if (core.waits.get(id) === waiting) core.waits.delete(id)
  }
  waiting.then(done, done)
  return waiting
}

/**
 * Refreshes a value in the background if no one else does: takes the lock only while the key
 * still holds exactly `bytes`, keeping them readable in the marker (others keep serving them,
 * never waiting), then fills as usual; a failed fetch gives them back. Resolves to undefined
 * when another process (or a write) got there first.
 */
export async function revalidate<T>(load: Load<T>, bytes: Buffer): Promise<{ value: T } | undefined> {
  const token = newToken()
  const head = frameMarker(token)
  let state: AcquireResult
  try {
    state = await load.budget.spend(load.core.backend.lock.acquire(load, head, load.lock.ttlMs, { mode: 'revalidate', bytes }, load.ttlMs))
  } catch (error) {
    releaseIfStillOurs(load, head)
    throw error
  }
  if (!state.acquired) return undefined
  return { value: await hold(load, token, head) }
}

/** A marker's kept value is judged without drawing for an early refresh: one is running. */
const neverEarly = () => 0

/**
 * Waits for the holder of `token`: subscribed to the key's channel, it re-checks the key (by
 * trying the lock, which also takes it if the key emptied) after subscribing, on every notice
 * and on a backing-off poll (notices can be lost: a dropped connection, a user without publish
 * rights). Takes the lock over after `lock.wait`, or at once from a marker no live holder set.
 */
async function wait<T>(load: Load<T>, token: string, bytes: Buffer, pttlMs: number | undefined): Promise<T> {
  const { core, store, key, lock } = load
  const hub = core.hub()
  if (!hub) return withoutCache(load, new Error('cacheme: the client is closed'))
  const subscription: Subscription = hub.join(key)
  const started = Date.now()
  let current = bytes
  let currentToken = token
  let pttl = pttlMs
  let poll = POLL_FIRST_MS
  // Waiting starts at once, polling; once the subscription is live, WAIT is logged (from then on
  // the holder's notice reaches us) and the key is checked again at once (no notice was missed).
  let waiting = true
  subscription.ready.then(
    (live) => {
      if (!live || !waiting) return
      core.log(store, key, 'WAIT')
      subscription.interrupt()
    },
    () => {},
  )
  try {
    for (;;) {
      if (pttl !== undefined && (pttl < 0 || pttl > lock.ttlMs + EXPIRY_SLACK_MS)) {
        // No live holder sets a marker without a TTL, or for longer than a lock lasts.
        core.log(store, key, 'ERROR', {
          error: new Error(`cacheme: '${key}' holds a lock marker that no live holder set (TTL ${pttl} ms); replacing it`),
        })
        return await fill(load, { mode: 'replace', bytes: current })
      }
      // Waited on this holder as long as allowed: take its lock over (only if it still holds
      // exactly this marker); a live holder's commit is then fenced off, a dead one's never came.
      if (Date.now() - started >= lock.waitMs) return await fill(load, { mode: 'replace', bytes: current })
      const left = lock.waitMs - (Date.now() - started)
      const bound = Math.max(1, Math.min(left, poll, pttl === undefined ? poll : pttl + EXPIRY_SLACK_MS))
      const notice = await subscription.next(currentToken, bound)
      poll = Math.min(POLL_MAX_MS, poll * 2)
      if (notice?.kind === 'error') throw new FetchFailedElsewhereError(store, key, notice.message)
      if (notice?.kind === 'timeout') throw new FetchTimeoutError(store, notice.key, notice.timeoutMs)
      if (notice?.kind === 'value') {
        const frame = load.format.read(notice.bytes)
        if (frame.kind === 'value') {
          try {
            return load.format.decode(frame)
          } catch {
            // Undecodable here: re-check the key like after any other notice.
          }
        }
      }
      // Filled (too large to publish), changed, undecodable or no notice: re-check the key.
      let state: AcquireResult
      const ownToken = newToken()
      const head = frameMarker(ownToken)
      try {
        state = await load.budget.spend(core.backend.lock.acquire(load, head, lock.ttlMs, { mode: 'missing' }, load.ttlMs))
      } catch (error) {
        releaseIfStillOurs(load, head)
        return await withoutCache(load, error)
      }
      if (state.acquired) return await hold(load, ownToken, head)
      const frame = load.format.read(state.current)
      if (frame.kind !== 'marker') return await afterRace(load, state.current, state.pttlMs)
      if (frame.token !== currentToken) {
        subscription.leave()
        return await onMarker(load, frame, state.current, state.pttlMs)
      }
      current = state.current
      pttl = state.pttlMs
    }
  } finally {
    waiting = false
    subscription.leave()
  }
}

/**
 * The fill of the process holding the lock: fetch (extending the lock meanwhile), then write
 * the value only if the marker is still ours, and tell the waiters of every process. A failed
 * fetch releases the lock at once and hands its error to the waiters. Callers of this process
 * that see the marker join the fill through `core.fills`.
 */
function hold<T>(load: Load<T>, token: string, head: Buffer): Promise<T> {
  const { core } = load
  const marker: HeldMarker = { key: load.key, head }
  core.held.add(marker)
  const filling = holdAndCommit(load, token, head)
  core.fills.set(token, filling)
  const done = () => {
    core.held.delete(marker)
    // Kept one turn of the event loop longer: a lookup answered before our commit or release
    // (the same connection, replies in order) still finds the fill to join when it settles.
    setImmediate(() => core.fills.delete(token))
  }
  filling.then(done, done)
  return filling
}

async function holdAndCommit<T>(load: Load<T>, token: string, head: Buffer): Promise<T> {
  const { core, store, key } = load
  core.log(store, key, 'FETCH')
  const stopExtending = keepLocked(load, head)
  const control = load.control(load.stale)
  let value: T
  try {
    value = await load.fetch(control)
  } catch (error) {
    stopExtending()
    // A hard timeout reaches the waiters of every process as a FetchTimeoutError too.
    await release(
      load,
      head,
      error instanceof FetchTimeoutError
        ? { token, kind: 'timeout', timeoutMs: error.timeoutMs, key: error.key }
        : { token, kind: 'error', message: core.secrets.redact(messageOf(error)) },
    )
    throw error
  }
  stopExtending()
  let bytes: Buffer
  let ttlMs: number
  let tagged: ReturnType<NonNullable<Load<T>['valueTags']>> | undefined
  try {
    ;({ bytes, ttlMs } = stamp(load.format.write(value), control.ttlMs, control.deltaMs, load.fresh))
    tagged = load.valueTags?.(value)
  } catch (error) {
    // Not storable: the callers here get the value; other processes' waiters find the key empty and fetch.
    core.log(store, key, 'ERROR', { error: core.secrets.safeCause(error) })
    await release(load, head, { token, kind: 'filled' })
    return value
  }
  const notice = valueNotice(token, bytes)
  const commit = core.backend.lock.commit({ key, index: load.index, value: bytes, ttlMs, ...tagged }, head, encodeNotice(notice))
  try {
    const { notifyError } = await load.budget.spend(commit)
    if (notifyError) core.log(store, key, 'ERROR', { error: notifyFailed(notifyError) })
  } catch (error) {
    // The commit may still land (it goes on; a big value takes its time): it is fenced, so it
    // never overwrites a later write. The callers here have their value either way.
    core.log(store, key, 'ERROR', { error: error as Error })
    commit.then(
      () => {},
      () => releaseIfStillOurs(load, head),
    )
  }
  core.hub()?.deliver(key, notice)
  return value
}

/** Releases our marker (never another's), telling waiters here and everywhere. */
async function release<T>(load: Load<T>, head: Buffer, notice: Notice): Promise<void> {
  const { core, store, key } = load
  core.hub()?.deliver(key, notice)
  try {
    const { notifyError } = await load.budget.spend(core.backend.lock.release(key, head, encodeNotice(notice)))
    if (notifyError) core.log(store, key, 'ERROR', { error: notifyFailed(notifyError) })
  } catch (error) {
    core.log(store, key, 'ERROR', { error: error as Error })
    releaseIfStillOurs(load, head)
  }
}

/**
 * After a lock operation failed or timed out it may still run on the server later: a release
 * sent after it removes the marker it would leave. Never awaited, never bounded by a budget.
 */
function releaseIfStillOurs<T>(load: Load<T>, head: Buffer): void {
  load.core.backend.lock.release(load.key, head, null).catch(() => {})
}

/**
 * Extends a held lock every third of its TTL while the fetch runs; stops by itself once the
 * marker is no longer ours (invalidated or overwritten). Returns the function that stops it.
 */
function keepLocked<T>(load: Load<T>, head: Buffer): () => void {
  const { ttlMs } = load.lock
  const timer = setInterval(
    () => {
      load.core.backend.lock.extend(load, head, ttlMs).then(
        (stillOurs) => {
          if (!stillOurs) clearInterval(timer)
        },
        () => {}, // Redis failed: try again next time; the lock may lapse, which only costs a second fetch.
      )
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  )
  timer.unref()
  return () => clearInterval(timer)
}

/**
 * The cache failed for this key: log ERROR (with why), then call the fetcher, writing nothing.
 * Callers of this process falling back on the same key share one fetch, so an outage doesn't
 * multiply the load on the source by the number of callers.
 */
function withoutCache<T>(load: Load<T>, error: unknown): Promise<T> {
  const { core, store, key } = load
  core.log(store, key, 'ERROR', { error: error instanceof Error ? error : new Error(String(error)) })
  if (load.singleflight) {
    const existing = core.fallbacks.get(key) as Promise<T> | undefined
    if (existing) return existing
  }
  core.log(store, key, 'FETCH')
  const fetching = load.fetch()
  if (load.singleflight) {
    core.fallbacks.set(key, fetching)
    const done = () => {
      if (core.fallbacks.get(key) === fetching) core.fallbacks.delete(key)
    }
    fetching.then(done, done)
  }
  return fetching
}

/** The holder could not tell waiters (they find out by re-checking): why, for the logger. */
export function notifyFailed(reason: string): Error {
  const permission = /NOPERM|can't run this command/.test(reason) ? 'the Redis user lacks a permission to publish' : 'publishing failed'
  return new Error(`cacheme: the fill's notice was not sent (${permission}: ${reason}); waiters find the value by re-checking`)
}

/**
 * A fresh random token (32 hex characters: a v4 UUID's 122 random bits, without its dashes).
 * randomUUID draws from a pool of random bytes; randomBytes per token was a job per cold get.
 */
export function newToken(): string {
  const uuid = randomUUID()
  return uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(14, 18) + uuid.slice(19, 23) + uuid.slice(24)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
