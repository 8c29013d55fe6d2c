/**
 * Collects requests made in one synchronous run and hands them to `flush` together at the
 * microtask boundary: concurrent lookups share one round trip, and a lone request never waits
 * on a timer.
 */
export class MicrotaskBatcher<I, O> {
  private inputs: I[] = []
  private resolvers: ((value: O) => void)[] = []
  private rejecters: ((error: unknown) => void)[] = []
  private scheduled = false

  constructor(private readonly flush: (inputs: I[]) => Promise<O[]>) {}

  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.inputs.push(input)
      this.resolvers.push(resolve)
      this.rejecters.push(reject)
      if (!this.scheduled) {
        this.scheduled = true
        queueMicrotask(this.run)
      }
    })
  }

  private readonly run = (): void => {
    const inputs = this.inputs
    const resolvers = this.resolvers
    const rejecters = this.rejecters
    this.inputs = []
    this.resolvers = []
    this.rejecters = []
    this.scheduled = false
    let pending: Promise<O[]>
    try {
      pending = this.flush(inputs)
    } catch (error) {
      pending = Promise.reject(error)
    }
    pending.then(
      (outputs) => { for (let i = 0; i < resolvers.length; i++) resolvers[i]!(outputs[i]!) },
      (error) => { for (const reject of rejecters) reject(error) },
    )
  }
}
