import type { Client } from '../client/client.js'
import type { Codec } from '../codec/codec.js'

/** Everything a miss needs to fetch a value and store it. */
export interface FillRequest<T> {
  client: Client
  store: string
  key: string
  index: string
  ttlMs: number
  codec: Codec<T>
  fetch: () => T | Promise<T>
}

/** Calls the fetcher and writes its value. A failed write never fails the caller. */
export async function fill<T>(request: FillRequest<T>): Promise<T> {
  const { client, store, key } = request
  client.log(store, key, 'FETCH')
  const value = await request.fetch()
  await storeValue(request, value)
  return value
}

export async function storeValue<T>(request: Omit<FillRequest<T>, 'fetch'>, value: T): Promise<void> {
  const { client, key, index, ttlMs, codec, store } = request
  try {
    await client.write({ key, value: codec.encode(value), ttlMs, index })
  } catch {
    client.log(store, key, 'ERROR')
  }
}
