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
 */
export class TickBatcher<I, O> {
  private entries: Entry<I, O>[] = []

  constructor(private readonly flush: (inputs: I[]) => Promise<O[]>) {}

  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.entries.push({ input, resolve, reject }) === 1) process.nextTick(this.run)
    })
  }

  private readonly run = (): void => {
    const entries = this.entries
    this.entries = []
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
