import type { Client } from 'cacheme'
// The same module instance as the package's own (dist), so the private core is reachable: the
// tests read and write raw stored bytes through the backend, as another program would.
import { coreOf } from '../../packages/cacheme/dist/client/client.js'

interface RawBackend {
  get(keys: readonly string[]): Promise<(Buffer | null | Error)[]>
  set(entries: { key: string; index: { head: string; tail: string }; value: Buffer; ttlMs: number }[]): Promise<(Error | undefined)[]>
}

/** The raw stored bytes of keys (null: missing), as Redis or the memory backend holds them. */
export async function rawGet(client: Client, keys: readonly string[]): Promise<(Buffer | null)[]> {
  const found = await (coreOf(client).backend as RawBackend).get(keys)
  return found.map((f) => {
    if (f instanceof Error) throw f
    return f
  })
}

/** Writes raw bytes under keys, as another program would (no frame, no codec). */
export async function rawSet(client: Client, keys: readonly string[], value: string | Buffer): Promise<void> {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  const index = { head: `${client.prefix}:~other:`, tail: 'index' }
  const failures = await (coreOf(client).backend as RawBackend).set(keys.map((key) => ({ key, index, value: bytes, ttlMs: 0 })))
  for (const failure of failures) if (failure) throw failure
}
