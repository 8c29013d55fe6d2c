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
 *
 * `flush` may `deliver` an output before the whole batch is done (a cluster batch spans nodes,
 * and a healthy node's keys must not wait for a sick one's); what it resolves to settles the rest.
 */
export class TickBatcher<I, O> {
  // Parallel arrays, not an object per request: a warm getMany(20) puts 20 requests here.
  #inputs: I[] = []
  #sinks: Sink<O>[] = []
  #slots: number[] = []
  #batch = 0

  constructor(private readonly flush: (inputs: I[], deliver: (i: number, output: O) => void) => Promise<O[]>) {}

  /** The number of the batch a request made now goes into. */
  get batch(): number {
    return this.#batch
  }

  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => { this.#push(input, new Pending(resolve, reject), 0) })
  }

  /**
   * Requests `inputs` in this batch; `sink` gets each output as `deliver(slots[j], output)` as
   * soon as it is known (once per request), or `fail(slot, error)`. No promise per request: a
   * batch of lookups (getMany) takes its answers into one array.
   */
  addMany(inputs: readonly I[], slots: readonly number[], sink: Sink<O>): void {
    for (let j = 0; j < inputs.length; j++) this.#push(inputs[j]!, sink, slots[j]!)
  }

  #push(input: I, sink: Sink<O>, slot: number): void {
    if (this.#inputs.push(input) === 1) process.nextTick(this.#run)
    this.#sinks.push(sink)
    this.#slots.push(slot)
  }

  readonly #run = (): void => {
    const inputs = this.#inputs
    const sinks = this.#sinks
    const slots = this.#slots
    this.#inputs = []
    this.#sinks = []
    this.#slots = []
    this.#batch++
    // Each request is answered once: the early deliveries, then the final pass for the rest.
    const answered = new Uint8Array(inputs.length)
    const deliver = (i: number, output: O) => {
      if (i >= inputs.length || answered[i]) return
      answered[i] = 1
      sinks[i]!.deliver(slots[i]!, output)
    }
    let pending: Promise<O[]>
    try {
      pending = this.flush(inputs, deliver)
    } catch (error) {
      pending = Promise.reject(error)
    }
    pending.then(
      (outputs) => { for (let i = 0; i < inputs.length; i++) deliver(i, outputs[i]!) },
      (error: unknown) => {
        for (let i = 0; i < inputs.length; i++) {
          if (answered[i]) continue
          answered[i] = 1
          sinks[i]!.fail(slots[i]!, error)
        }
      },
    )
  }
}

/** Where a request's output goes: `slot` is what the requester gave with it. */
export interface Sink<O> {
  deliver(slot: number, output: O): void
  fail(slot: number, error: unknown): void
}

/** The sink of a single request: its promise. */
class Pending<O> implements Sink<O> {
  constructor(readonly resolve: (output: O) => void, readonly reject: (error: unknown) => void) {}
  deliver(_slot: number, output: O): void {
    this.resolve(output)
  }
  fail(_slot: number, error: unknown): void {
    this.reject(error)
  }
}
