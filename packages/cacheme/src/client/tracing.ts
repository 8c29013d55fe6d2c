import { tracingChannel } from 'node:diagnostics_channel'

/**
 * `node:diagnostics_channel` tracing of gets and fetches, for APMs and `@cacheme/otel`:
 * `cacheme:get` around every `get`, `cacheme:fetch` around every call of a fetcher, each with
 * `{ store, key }` as its context (plus what the channel adds: `result`, `error`). Costs one
 * property read per call when nobody listens.
 */
const getChannel = tracingChannel<unknown, TraceContext>('cacheme:get')
/** `cacheme:get`, whose `hasSubscribers` a get reads itself (a property read, no call, when nobody listens). */
export const getTraces: { readonly hasSubscribers: boolean } = getChannel
const fetchChannel = tracingChannel<unknown, TraceContext>('cacheme:fetch')

export interface TraceContext {
  store: string
  key: string
}

/** `run()`, traced on `cacheme:get` when someone listens (the context is built only then). */
export function tracedGet<T>(store: string, key: () => string, run: () => Promise<T>): Promise<T> {
  return getChannel.hasSubscribers ? getChannel.tracePromise(run, { store, key: key() }) : run()
}

/** Calls a fetcher (sync or async, throwing or rejecting) as a promise, traced on `cacheme:fetch`. */
export function tracedFetch<T>(store: string, key: () => string, fetch: () => T | Promise<T>): Promise<T> {
  const run = () => Promise.resolve().then(fetch)
  return fetchChannel.hasSubscribers ? fetchChannel.tracePromise(run, { store, key: key() }) : run()
}
