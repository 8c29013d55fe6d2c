import type { ClientCore, Flights, FlightOwner, Sink } from '../client/core.js'
import { NOT_A_VALUE } from '../codec/codec.js'

/** What one getMany needs from its store. */
export interface ManyGetStore<T> {
  /** A hit's value, or NOT_A_VALUE (ValueFormat.hit). */
  hit(bytes: Buffer): T | typeof NOT_A_VALUE
  /** Logs key's HIT. */
  logHit(key: string): void
  /** Everything but a hit, for the key at `slot`: the herd's afterLookup. */
  settle(slot: number, found: Buffer | null | Error): Promise<T>
}

interface Joiner {
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/** A slot's state: 0 while pending, then one of these. */
const FULFILLED = 1
const REJECTED = 2

/**
 * One `getMany`: its keys' lookups go into the open batch as one entry each, and the answers
 * come back into one array (the batcher's `Sink`), decoded as each node answers. A hit costs no
 * promise, closure or miss bookkeeping: only a key that is not a hit goes on to the herd (its
 * promise), and only a caller that joins one of these keys (singleflight) gets a promise of it.
 *
 * The rules are those of `Promise.all` / `Promise.allSettled` over one load per distinct key:
 * a repeated key is loaded once; a key already being loaded in the open batch (another get's)
 * is joined; without `settle` the first failure rejects.
 */
export class ManyGet<T> implements Sink<Buffer | null | Error>, FlightOwner {
  readonly promise: Promise<T[] | PromiseSettledResult<T>[]>
  readonly #keys: readonly string[]
  readonly #settleAll: boolean
  readonly #store: ManyGetStore<T>
  readonly #values: unknown[]
  readonly #state: Uint8Array
  #copies: number[] | undefined
  #joiners: Map<number, Joiner[]> | undefined
  #left = 0
  #done = false
  #resolve!: (values: T[] | PromiseSettledResult<T>[]) => void
  #reject!: (error: unknown) => void

  constructor(keys: readonly string[], settleAll: boolean, store: ManyGetStore<T>) {
    this.#keys = keys
    this.#settleAll = settleAll
    this.#store = store
    this.#values = new Array(keys.length)
    this.#state = new Uint8Array(keys.length)
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
  }

  get keys(): readonly string[] {
    return this.#keys
  }

  /**
   * Sends the lookups (into this tick's batch), joining loads of `flights` when given
   * (singleflight). Alone in the open batch (the common case), or without singleflight, there is
   * nothing to join: only this getMany's own repeats are copied.
   */
  start(core: ClientCore, flights: Flights | undefined, repeats?: boolean): void {
    if (flights === undefined || flights.claimAlone(this)) return this.#lookUpOwn(core, repeats)
    const keys = this.#keys
    const lookups: string[] = []
    const slots: number[] = []
    // The open batch's flights tell repeated keys too (this getMany owns them): one map
    // operation per key, and a repeat's first slot is looked for only then.
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      // Claimed at once where no other load has the key (it is looked up below).
      const existing = flights.claim(key, this)
      if (existing === this) {
        ;(this.#copies ??= new Array(keys.length).fill(-1))[i] = keys.indexOf(key)
        continue
      }
      this.#left++
      if (existing !== undefined) {
        // Another load of the key in the open batch (a get's, another getMany's): joined.
        const joined = existing instanceof Promise ? existing : existing.join(key)
        joined.then(
          (value) => this.#fulfil(i, value),
          (error: unknown) => this.#fail(i, error),
        )
        continue
      }
      lookups.push(key)
      slots.push(i)
    }
    if (this.#left === 0) this.#finish()
    else if (lookups.length > 0) core.getMany(lookups, slots, this)
  }

  /**
   * Every key looked up, a repeated key's later slots copying its first. `repeats`: whether a key
   * repeats, if the store knows (its key memo saw every key).
   */
  #lookUpOwn(core: ClientCore, repeats: boolean | undefined): void {
    const keys = this.#keys
    if (keys.length === 0) return this.#finish()
    // Most lists repeat no key, which a Set (built natively) tells without a map operation per key.
    if (repeats === false || (repeats === undefined && new Set(keys).size === keys.length)) {
      this.#left = keys.length
      return core.getMany(keys, undefined, this)
    }
    const lookups: string[] = []
    const slots: number[] = []
    const firstOf = new Map<string, number>()
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      const first = firstOf.get(key)
      if (first !== undefined) {
        ;(this.#copies ??= new Array(keys.length).fill(-1))[i] = first
        continue
      }
      firstOf.set(key, i)
      this.#left++
      lookups.push(key)
      slots.push(i)
    }
    core.getMany(lookups, slots, this)
  }

  deliver(slot: number, found: Buffer | null | Error): void {
    if (found instanceof Buffer) {
      const value = this.#store.hit(found)
      if (value !== NOT_A_VALUE) {
        this.#store.logHit(this.#keys[slot]!)
        this.#fulfil(slot, value)
        return
      }
    }
    let settling: Promise<T>
    try {
      settling = this.#store.settle(slot, found)
    } catch (error) {
      settling = Promise.reject(error)
    }
    settling.then(
      (value) => this.#fulfil(slot, value),
      (error: unknown) => this.#fail(slot, error),
    )
  }

  fail(slot: number, error: unknown): void {
    this.#fail(slot, error)
  }

  join(key: string): Promise<unknown> {
    // Only a key this getMany claimed in Flights is joined, so it is one of its keys.
    const slot = this.#keys.indexOf(key)
    if (slot < 0) return Promise.reject(new Error(`cacheme: internal: '${key}' is not in this getMany`))
    if (this.#state[slot] === FULFILLED) return Promise.resolve(this.#values[slot])
    if (this.#state[slot] === REJECTED) return Promise.reject(this.#values[slot])
    return new Promise((resolve, reject) => {
      const joiners = (this.#joiners ??= new Map())
      let list = joiners.get(slot)
      if (!list) joiners.set(slot, (list = []))
      list.push({ resolve, reject })
    })
  }

  #fulfil(slot: number, value: unknown): void {
    this.#values[slot] = value
    this.#state[slot] = FULFILLED
    const joiners = this.#joiners?.get(slot)
    if (joiners) for (const j of joiners) j.resolve(value)
    if (--this.#left === 0) this.#finish()
  }

  #fail(slot: number, error: unknown): void {
    this.#values[slot] = error
    this.#state[slot] = REJECTED
    const joiners = this.#joiners?.get(slot)
    if (joiners) for (const j of joiners) j.reject(error)
    if (!this.#settleAll && !this.#done) {
      this.#done = true
      this.#reject(error)
    }
    if (--this.#left === 0) this.#finish()
  }

  #finish(): void {
    if (this.#done) return
    this.#done = true
    const values = this.#values
    const copies = this.#copies
    if (copies) {
      for (let i = 0; i < copies.length; i++) {
        if (copies[i]! < 0) continue
        values[i] = values[copies[i]!]
        this.#state[i] = this.#state[copies[i]!]!
      }
    }
    if (!this.#settleAll) {
      this.#resolve(values as T[])
      return
    }
    const results = new Array<PromiseSettledResult<T>>(values.length)
    for (let i = 0; i < values.length; i++) {
      results[i] = this.#state[i] === FULFILLED ? { status: 'fulfilled', value: values[i] as T } : { status: 'rejected', reason: values[i] }
    }
    this.#resolve(results)
  }
}
