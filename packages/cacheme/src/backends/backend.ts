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
  /** The herd's lock operations; each is one script on the key's node. */
  readonly lock: Lock
  /** Opens the connection that receives the herd's notices. */
  openSubscriber(): Promise<SubscriberConnection>
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
}

export interface SetEntry extends IndexedKey {
  value: Buffer
  /** 0: no expiry. */
  ttlMs: number
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
  /** Takes the lock and records the key in its index (so an invalidateAll meanwhile fences the fill). */
  acquire(entry: IndexedKey, head: Buffer, lockTtlMs: number, how: AcquireMode, ttlMs: number): Promise<AcquireResult>
  /** Pushes the lock's expiry while the marker is still ours; false once it is not. */
  extend(key: string, head: Buffer, lockTtlMs: number): Promise<boolean>
  /** Writes the value if the marker is still ours, updates the index, and publishes `notice` either way. */
  commit(entry: SetEntry, head: Buffer, notice: Buffer): Promise<LockOutcome>
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
