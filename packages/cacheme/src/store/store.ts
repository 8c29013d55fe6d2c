import type { Client } from '../client/client.js'
import { defaultClient } from '../client/default-client.js'
import { encodeParam } from '../template/encode-param.js'
import { describeValue } from '../template/parse-template.js'
import type { Pipeline } from '../pipeline.js'
import { withAbort } from './abort.js'
import { fetchAndStore, fetchWithoutCache, fill, type FillRequest } from './fill.js'
import { isMarker } from '../herd/marker.js'
import { KeyMemo } from './key-memo.js'
import { foundIn, readKeys, type Found } from './read-keys.js'
import { checkVersion, normalizeOptions, type NormalizedOptions, type StoreOptions, type Ttl, type Version } from './options.js'
import type { StoreSpec } from './spec.js'

export type Params = Record<string, string | number>
export type Fetcher<P, T> = (params: P) => T | Promise<T>

export interface GetOptions {
  /** Rejects this caller with an AbortError when aborted; a shared fetch goes on for the others. */
  signal?: AbortSignal
}

/** A typed cache over one key template. Create one with `cached()`. */
export class Store<P extends object = Params, T = unknown> {
  readonly name: string
  /** @internal */ readonly spec: StoreSpec
  /** @internal */ readonly options: NormalizedOptions<T>
  private readonly fetcher: Fetcher<P, T>
  /** Keys by param value, for a store with one placeholder and a fixed version. */
  private readonly keyMemo: KeyMemo | undefined
  /** The key's `:v${version}` end, built once when the version is fixed (not a function). */
  private readonly fixedVersionSuffix: string | undefined

  constructor(spec: StoreSpec, fetcher: Fetcher<P, T>, ttlOrOptions?: Ttl | StoreOptions<T>) {
    if (typeof fetcher !== 'function') {
      throw new TypeError(`cacheme: the fetcher of '${spec.template}' must be a function (params) => value, got ${describeValue(fetcher)}`)
    }
    this.spec = spec
    this.fetcher = fetcher
    this.options = normalizeOptions(ttlOrOptions, spec.template, { ttlMs: spec.ttl, name: spec.name, version: spec.version })
    this.name = this.options.name
    const { version } = this.options
    this.fixedVersionSuffix = typeof version === 'function' ? undefined : this.versionSuffix(version)
    this.keyMemo = spec.params.length === 1 && this.fixedVersionSuffix !== undefined ? new KeyMemo() : undefined
  }

  /** The same store with a fetcher and options bound at a call site (the compiler's output uses this). */
  with<Q extends object, U>(fetcher: Fetcher<Q, U>, ttlOrOptions?: Ttl | StoreOptions<U>): Store<Q, U> {
    return new Store(this.spec, fetcher, ttlOrOptions)
  }

  /** The full Redis key: `${prefix}:${rendered template}:v${version}`. */
  key(params: P): string {
    return this.keyOn(this.client(), params)
  }

  /** The cached value, or fetch, store and return it. */
  get(params: P, options?: GetOptions): Promise<T> {
    let flight: Promise<T>
    try {
      const client = this.client()
      const key = this.keyOn(client, params)
      flight = this.options.singleflight ? this.shared(client, key, () => this.load(client, key, params)) : this.load(client, key, params)
    } catch (error) {
      return Promise.reject(error)
    }
    const signal = options?.signal
    if (signal === undefined) return flight
    if (!(signal instanceof AbortSignal)) {
      return Promise.reject(new TypeError(`cacheme: signal of ${this.name}.get() must be an AbortSignal, got ${describeValue(signal)}`))
    }
    return withAbort(flight, signal)
  }

  /** Values in input order: duplicates fetched once, lookups in one round trip per node. */
  async getMany(paramsList: readonly P[]): Promise<T[]> {
    if (!Array.isArray(paramsList)) {
      throw new TypeError(`cacheme: ${this.name}.getMany() takes an array of params, got ${describeValue(paramsList)}`)
    }
    const client = this.client()
    const keys = paramsList.map((params) => this.keyOn(client, params))
    const flights = new Map<string, Promise<T>>()
    const toLoad = new Map<string, P>()
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      if (flights.has(key) || toLoad.has(key)) continue // a repeated key is loaded once, with or without singleflight
      const existing = this.options.singleflight ? (client.flights.get(key) as Promise<T> | undefined) : undefined
      if (existing) flights.set(key, existing)
      else toLoad.set(key, paramsList[i]!)
    }
    if (toLoad.size > 0) {
      const lookup = readKeys(client, [...toLoad.keys()])
      for (const [key, params] of toLoad) {
        const load = () => lookup.then((found) => this.settle(client, key, params, foundIn(found, key)))
        flights.set(key, this.options.singleflight ? this.shared(client, key, load) : load())
      }
    }
    return Promise.all(keys.map((key) => flights.get(key)!))
  }

  /** Queues a lookup on `pipeline`; the promise settles after `pipeline.execute()`. */
  getP(pipeline: Pipeline, params: P): Promise<T> {
    const client = this.client()
    if (pipeline === null || typeof pipeline !== 'object' || typeof pipeline.enqueue !== 'function') {
      throw new TypeError(`cacheme: ${this.name}.getP() takes a pipeline from client.pipeline() or pipeline(), got ${describeValue(pipeline)}`)
    }
    if (pipeline.client !== client) {
      throw new Error(`cacheme: ${this.name}.getP() got a pipeline of another client (${pipeline.client.description}) than the store's (${client.description})`)
    }
    const key = this.keyOn(client, params)
    return pipeline.enqueue<T>(key, (found) => {
      const settle = () => this.settle(client, key, params, found)
      return this.options.singleflight ? this.shared(client, key, settle) : settle()
    })
  }

  /**
   * Fetches now, stores and returns the fresh value. Its write replaces a lock marker too, so a
   * fill in flight elsewhere can no longer store its older value.
   */
  async refresh(params: P): Promise<T> {
    const client = this.client()
    const key = this.keyOn(client, params)
    client.flights.delete(key)
    return fetchAndStore(this.fillRequest(client, key, params))
  }

  async set(params: P, value: T): Promise<void> {
    const client = this.client()
    const key = this.keyOn(client, params)
    client.flights.delete(key)
    await client.write({ key, value: this.options.codec.encode(value), ttlMs: this.options.ttlMs, index: this.indexKey(client, this.version()) })
  }

  async invalidate(params: P): Promise<void> {
    const client = this.client()
    const key = this.keyOn(client, params)
    // Later gets here start afresh instead of joining a load that began before; the DEL also
    // removes a lock marker, which fences off that load's write.
    client.flights.delete(key)
    await client.guarded(() => client.backend.del([key], this.indexKey(client, this.version())))
  }

  /** Deletes every key of this store for `version` (default: current); resolves to how many. */
  async invalidateAll(version?: Version): Promise<number> {
    const client = this.client()
    const v = version === undefined ? this.version() : checkVersion(version, this.name)
    return client.guarded(() => client.backend.deleteIndexed(this.indexKey(client, v)))
  }

  private client(): Client {
    return this.options.client ?? defaultClient()
  }

  private version(): Version {
    const { version } = this.options
    return typeof version === 'function' ? checkVersion(version(), this.name) : version
  }

  private keyOn(client: Client, params: P): string {
    const memo = this.keyMemo
    if (memo !== undefined && params !== null && typeof params === 'object') {
      const value = (params as Record<string, unknown>)[this.spec.params[0]!]
      if (typeof value === 'number' || typeof value === 'string') {
        const known = memo.find(client, value)
        if (known !== undefined) return known
        const key = this.buildKey(client, params)
        memo.remember(value, key)
        return key
      }
    }
    return this.buildKey(client, params)
  }

  private buildKey(client: Client, params: P): string {
    const suffix = this.fixedVersionSuffix ?? this.versionSuffix(this.version())
    return `${client.prefix}:${this.spec.render(params as Record<string, unknown>)}${suffix}`
  }

  private indexKey(client: Client, version: Version): string {
    return `${client.prefix}:~index:${this.spec.template}${this.versionSuffix(version)}`
  }

  private versionSuffix(version: Version): string {
    return `:v${encodeParam(version, 'version', this.spec.template)}`
  }

  private shared(client: Client, key: string, load: () => Promise<T>): Promise<T> {
    const existing = client.flights.get(key) as Promise<T> | undefined
    if (existing) return existing
    const flight = load()
    client.flights.set(key, flight)
    const done = () => {
      if (client.flights.get(key) === flight) client.flights.delete(key)
    }
    flight.then(done, done)
    return flight
  }

  private async load(client: Client, key: string, params: P): Promise<T> {
    let found: Found
    try {
      found = await client.lookup(key)
    } catch {
      found = undefined
    }
    return this.settle(client, key, params, found)
  }

  /**
   * A hit decodes; a miss or an undecodable value fetches and stores; a lock marker means
   * another process is fetching: wait for it.
   */
  private settle(client: Client, key: string, params: P, found: Found): Promise<T> {
    if (found === undefined) {
      // The cache could not be read: fall back to the fetcher, write nothing.
      return fetchWithoutCache({ client, store: this.name, key, fetch: () => this.fetcher(params) })
    }
    if (found === null) {
      client.log(this.name, key, 'MISS')
    } else if (!isMarker(found)) {
      try {
        const value = this.options.codec.decode(found)
        client.log(this.name, key, 'HIT')
        return Promise.resolve(value)
      } catch {
        client.log(this.name, key, 'ERROR')
      }
    }
    return fill(this.fillRequest(client, key, params), found)
  }

  private fillRequest(client: Client, key: string, params: P): FillRequest<T> {
    return {
      client,
      store: this.name,
      key,
      index: this.indexKey(client, this.version()),
      ttlMs: this.options.ttlMs,
      codec: this.options.codec,
      fetch: () => this.fetcher(params),
      lock: this.options.lock,
    }
  }
}
