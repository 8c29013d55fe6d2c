/** A batch of loads (one getMany) that looks a key up in the open batch, and lets others join it. */
export interface FlightOwner {
  /** The outcome of this owner's load of `key`. */
  join(key: string): Promise<unknown>
}

/**
 * In-process singleflight of lookups, limited to what is safe: a caller joins another's load of
 * the same key only while that load's lookup has not been sent (it is still in the open batch of
 * the client's lookup batcher). A lookup already on the wire may have been answered before a
 * write that resolved before this caller started, so a later caller sends its own (batched with
 * every other caller of its tick). What a lookup finds (this process's own marker, another
 * process's marker) is joined in herd.ts, under the same rule.
 *
 * The flights of one batch live in one map, dropped once that batch is sent (nobody can join
 * them after): no bookkeeping per load on the hit path. A key's flight is a load's promise, or
 * the getMany that looks it up (a `FlightOwner`, which makes a promise only for a joiner).
 */
export class Flights {
  #flights = new Map<string, Promise<unknown> | FlightOwner>()
  #batch = -1

  constructor(private readonly lookups: { readonly batch: number }) {}

  run<T>(key: string, load: () => Promise<T>): Promise<T> {
    const flights = this.#open()
    const existing = flights.get(key)
    if (existing !== undefined) return (existing instanceof Promise ? existing : existing.join(key)) as Promise<T>
    const promise = load()
    flights.set(key, promise)
    return promise
  }

  /** The load of `key` that a caller may join now (undefined: none). */
  find(key: string): Promise<unknown> | FlightOwner | undefined {
    return this.#open().get(key)
  }

  /** Records that `owner` looks `key` up in the open batch. */
  claim(key: string, owner: FlightOwner): void {
    this.#open().set(key, owner)
  }

  /** Later callers start afresh instead of joining a load that began before (a write of this process). */
  forget(key: string): void {
    this.#flights.delete(key)
  }

  /** The open batch's flights (a new map once the batch of the ones held was sent). */
  #open(): Map<string, Promise<unknown> | FlightOwner> {
    const batch = this.lookups.batch
    if (batch !== this.#batch) {
      this.#batch = batch
      if (this.#flights.size > 0) this.#flights = new Map()
    }
    return this.#flights
  }
}
