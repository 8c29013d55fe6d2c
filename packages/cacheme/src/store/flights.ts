
interface Flight {
  promise: Promise<unknown>
  batch: number
}

/**
 * In-process singleflight of lookups, limited to what is safe: a caller joins another's load of
 * the same key only while that load's lookup has not been sent (it is still in the open batch of
 * the client's lookup batcher). A lookup already on the wire may have been answered before a
 * write that resolved before this caller started, so a later caller sends its own (batched with
 * every other caller of its tick). What a lookup finds (this process's own marker, another
 * process's marker) is joined in herd.ts, under the same rule.
 */
export class Flights {
  readonly #flights = new Map<string, Flight>()

  constructor(private readonly lookups: { readonly batch: number }) {}

  run<T>(key: string, load: () => Promise<T>): Promise<T> {
    const existing = this.#flights.get(key)
    if (existing && existing.batch === this.lookups.batch) return existing.promise as Promise<T>
    const batch = this.lookups.batch
    const promise = load()
    const flight: Flight = { promise, batch }
    this.#flights.set(key, flight)
    const done = () => { if (this.#flights.get(key) === flight) this.#flights.delete(key) }
    promise.then(done, done)
    return promise
  }

  /** Later callers start afresh instead of joining a load that began before (a write of this process). */
  forget(key: string): void {
    this.#flights.delete(key)
  }
}
