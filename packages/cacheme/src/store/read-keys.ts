import type { Client } from '../client/client.js'

/** What a lookup found: the stored bytes, null (missing), or undefined (the cache could not be read). */
export type Found = Buffer | null | undefined

export type FoundKeys = Map<string, Buffer | null> | undefined

/** The values of `keys`, in one round trip per node; undefined when the cache is unavailable. */
export async function readKeys(client: Client, keys: readonly string[]): Promise<FoundKeys> {
  try {
    const values = await client.lookupMany(keys)
    return new Map(keys.map((key, i) => [key, values[i] ?? null]))
  } catch {
    return undefined
  }
}

export function foundIn(found: FoundKeys, key: string): Found {
  return found === undefined ? undefined : (found.get(key) ?? null)
}
