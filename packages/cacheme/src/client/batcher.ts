/**
 * Collects requests made while the current task runs (its synchronous code and every promise
 * reaction it triggers) and hands them to `flush` together on `process.nextTick`, which Node
 * runs once the microtask queue is empty and before it returns to the event loop: concurrent
 * lookups share one round trip, and a lone request never waits on a timer or on I/O.
 *
 * Why not `queueMicrotask`: a flush queued as a microtask runs before the reactions queued
 * after it, so requests made a few `await`s deeper than the first one (one reply resolving
 * many callers, each resuming at its own depth) miss the batch and cost another round trip.
 * Why not `setImmediate`: it waits for the event loop's check phase, after pending I/O.
 *
 * `batch` numbers the batch that is still open: a request made in it has not been sent yet,
 * which is what lets a later caller join it safely (see store/flights.ts).
 */
export class TickBatcher<I, O> {
  #entries: Entry<I, O>[] = []
  #batch = 0

  constructor(private readonly flush: (inputs: I[]) => Promise<O[]>) {}

  /** The number of the batch a request made now goes into. */
  get batch(): number {
    return this.#batch
  }

  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.#entries.push({ input, resolve, reject }) === 1) process.nextTick(this.#run)
    })
  }

  readonly #run = (): void => {
    const entries = this.#entries
    this.#entries = []
    this.#batch++
    const inputs = new Array<I>(entries.length)
    for (let i = 0; i < entries.length; i++) inputs[i] = entries[i]!.input
    let pending: Promise<O[]>
    try {
      pending = this.flush(inputs)
    } catch (error) {
      pending = Promise.reject(error)
    }
    pending.then(
      (outputs) => { for (let i = 0; i < entries.length; i++) entries[i]!.resolve(outputs[i]!) },
      (error: unknown) => { for (const entry of entries) entry.reject(error) },
    )
  }
}

interface Entry<I, O> {
  input: I
  resolve: (output: O) => void
  reject: (error: unknown) => void
}
