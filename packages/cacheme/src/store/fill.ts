import type { Client } from '../client/client.js'
import type { Codec } from '../codec/codec.js'
import { fillUnderLock, type LockSettings } from '../herd/coordinator.js'

/** Everything a miss needs to fetch a value and store it. */
export interface FillRequest<T> {
  client: Client
  store: string
  key: string
  index: string
  ttlMs: number
  codec: Codec<T>
  fetch: () => T | Promise<T>
  /** Cross-process herd protection of the store; false: none. */
  lock: false | LockSettings
}

/**
 * A miss: fetch the value and store it, under the backend's lock when the store uses one (once
 * across processes on Redis; fenced against invalidate/refresh/set on both backends). `found`
 * is what the lookup saw: null, another holder's lock marker, or an undecodable value to replace.
 */
export function fill<T>(request: FillRequest<T>, found: Buffer | null = null): Promise<T> {
  if (request.lock) return fillUnderLock(request, request.client.backend.lock, request.lock, found)
  return fetchAndStore(request)
}

/** Calls the fetcher and writes its value. A failed write never fails the caller. */
export async function fetchAndStore<T>(request: FillRequest<T>): Promise<T> {
  const { client, store, key, index, ttlMs, codec } = request
  client.log(store, key, 'FETCH')
  const value = await request.fetch()
  try {
    await client.write({ key, value: codec.encode(value), ttlMs, index })
  } catch {
    client.log(store, key, 'ERROR')
  }
  return value
}

/** The cache failed: log ERROR, then call the fetcher; nothing is written. */
export async function fetchWithoutCache<T>(request: Pick<FillRequest<T>, 'client' | 'store' | 'key' | 'fetch'>): Promise<T> {
  const { client, store, key } = request
  client.log(store, key, 'ERROR')
  client.log(store, key, 'FETCH')
  return request.fetch()
}
