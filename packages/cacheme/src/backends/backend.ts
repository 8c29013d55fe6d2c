/**
 * What the client needs from where values live, one verb per Redis operation. Every method
 * that takes many keys batches them per node (one round trip per node) and answers per key: a
 * node that fails costs only its own keys (their slot holds an `Error`), and `deliver` hands
 * each key's answer on as soon as its node has answered, before slower nodes do.
 */
export type Deliver<O> = (i: number, output: O) => void

export interface Backend {
  readonly kind: 'memory' | 'redis' | 'cluster'
  /** The stored bytes of each key (null: missing), or the Error of the node that owns it. */
  get(keys: readonly string[], deliver?: Deliver<Buffer | null | Error>): Promise<(Buffer | null | Error)[]>
  /** Writes values unconditionally (fencing off fills in flight) and tells their waiters to re-check; each entry's Error, if it failed. */
  set(entries: readonly SetEntry[], deliver?: Deliver<Error | undefined>): Promise<(Error | undefined)[]>
  /** Deletes keys (and their index entries) and tells their waiters to re-check; each entry's Error, if it failed. */
  del(entries: readonly IndexedKey[], deliver?: Deliver<Error | undefined>): Promise<(Error | undefined)[]>
  /** Deletes every key recorded in a store's index for one version; resolves to how many existed. */
  delIndexed(index: IndexName): Promise<number>
  /**
   * Deletes every key listed in any of the tag sets (markers too), on every node, and the markers
   * of fills listed in `pending` (their tags come with the value); resolves to how many keys the
   * tag sets listed that existed.
   */
  delTagged(tags: readonly IndexName[], pending: IndexName): Promise<number>
  /** The herd's lock operations; each is one script on the key's node. */
  readonly lock: Lock
  /** The same steps for many keys at once, one script per node (a batch of fills, herd/batch.ts). */
  readonly batchLock: BatchLock
  /** Opens the connection that receives the herd's notices. */
  openSubscriber(): Promise<SubscriberConnection>
  /** Resolves when every node (the server, or each cluster master) answers PING. */
  ping(): Promise<void>
  close(): Promise<void>
}

/**
 * A store's index for one version, as two halves around where a cluster puts the hash tag of the
 * key's slot (so each index entry lives in its key's slot and a script can write both).
 */
export interface IndexName {
  head: string
  tail: string
}

export interface IndexedKey {
  key: string
  index: IndexName
  /**
   * The other sets that list the key, in its slot like the index: its tags' sets (store option
   * `tags`) and, for a lock marker whose tags come with the value, the client's pending set.
   */
  tags?: readonly IndexName[]
}

export interface SetEntry extends IndexedKey {
  value: Buffer
  /** 0: no expiry. */
  ttlMs: number
}

/**
 * A fill's value to commit. Without `pending`, `tags` are the sets the marker was listed in (static
 * tags), which list the key already: the commit only makes them live as long as the value. With
 * `pending` (the set the marker was listed in until its tags were known), `tags` are the value's,
 * listed by the commit.
 */
export interface CommitEntry extends SetEntry {
  pending?: IndexName
}

/**
 * What taking the lock found: it is ours (`replaced`: what a forced lock replaced, a value or a
 * marker keeping one), or the key holds other bytes (a value, another's marker).
 */
export type AcquireResult = { acquired: true; replaced?: Buffer } | { acquired: false; current: Buffer; pttlMs: number }

/**
 * How the lock is taken: `missing` only if the key is empty; `replace` also over exactly the
 * given bytes (a foreign value, an abandoned marker); `force` over anything (a refresh), keeping
 * the value it replaces readable inside the marker while the refresh fetches; `revalidate` over
 * exactly the given bytes (a stale value), keeping them readable like `force`.
 */
export type AcquireMode = { mode: 'missing' } | { mode: 'replace' | 'revalidate'; bytes: Buffer } | { mode: 'force' }

/**
 * The lock lives in the value key itself (a marker), so lock and value share a hash slot and
 * each step is one atomic script. Notices go out on a channel named like the key. `head` is the
 * holder's marker head: its header and token.
 */
export interface Lock {
  /**
   * Takes the lock and lists the key in its index and `entry.tags` (so an invalidateAll or
   * invalidateTags meanwhile deletes the marker, which fences the fill).
   */
  acquire(entry: IndexedKey, head: Buffer, lockTtlMs: number, how: AcquireMode, ttlMs: number): Promise<AcquireResult>
  /** Pushes the lock's expiry while the marker is still ours, and that of the sets `entry` lists it in; false once it is not ours. */
  extend(entry: IndexedKey, head: Buffer, lockTtlMs: number): Promise<boolean>
  /** Writes the value if the marker is still ours, lists it in its index and tag sets, and publishes `notice` either way. */
  commit(entry: CommitEntry, head: Buffer, notice: Buffer): Promise<LockOutcome>
  /** Deletes the marker if still ours (never another's) and publishes `notice` if given. */
  release(key: string, head: Buffer, notice: Buffer | null): Promise<LockOutcome>
}

/** Whether a commit wrote (a release released), and why its notice could not be published (an ACL refusal), if so. */
export interface LockOutcome {
  done: boolean
  notifyError?: string
}

/** A connection in subscriber mode: key channels in, messages out. */
export interface SubscriberConnection {
  /** Resolves once the server has acknowledged the subscription. */
  subscribe(channel: string): Promise<void>
  unsubscribe(channel: string): Promise<void>
  onMessage(listener: (channel: string, message: Buffer) => void): void
  /** Called when the connection comes back after a drop: notices may have been lost, subscriptions are gone. */
  onReconnect(listener: () => void): void
  close(): void
}

/**
 * The herd's lock steps for many keys at once (herd/batch.ts): one script per node over all
 * that node's keys, so a batch of fills costs one round trip per node for its acquire and one
 * for its commit. Each key's answer is its own: a failing node fails only its keys (an Error).
 */
export interface BatchLock {
  /** Takes the lock of every key that is missing (or holds exactly the bytes to replace) and lists it in its index and `tags`, like Lock.acquire. */
  acquire(items: readonly BatchAcquire[], lockTtlMs: number, ttlMs: number): Promise<(AcquireResult | Error)[]>
  /** Pushes each lock's expiry while its marker is still ours, and that of the sets it is listed in. */
  extend(items: readonly (HeldLock & IndexedKey)[], lockTtlMs: number): Promise<void>
  /** Per key: writes the value (a commit) or deletes the marker (a release, `value` null) while the marker is ours; publishes the notice either way. */
  settle(items: readonly BatchSettle[]): Promise<(LockOutcome | Error)[]>
}

export interface HeldLock {
  key: string
  /** The holder's marker head (header + token). */
  head: Buffer
}

export interface BatchAcquire extends IndexedKey {
  head: Buffer
  /** Replace exactly these bytes (a foreign value); undefined: only a missing key. */
  replace?: Buffer
}

export interface BatchSettle extends IndexedKey {
  head: Buffer
  /** The value to commit; null releases the lock. */
  value: Buffer | null
  /** As a CommitEntry's: with it, `tags` are the value's (a tags function's), listed by the commit. */
  pending?: IndexName
  /** 0: no expiry. */
  ttlMs: number
  notice: Buffer | null
  /** The notice is the value's own (kind, token, the value): a script can build it from the value, which then travels once. */
  noticeOfValue?: boolean
}
