import type { LockCapability } from '../backends/backend.js'
import type { FillRequest } from '../store/fill.js'
import { keepLocked } from './extension.js'
import { encodeNotice, valueNotice, type Notice } from './notice.js'

/**
 * The fill of the process holding the lock: fetch (extending the lock meanwhile), then write
 * the value only if the marker is still ours, and tell the waiters of every process. A failed
 * fetch releases the lock at once and hands its error to the waiters.
 */
export async function holdAndFill<T>(
  request: FillRequest<T>,
  lock: LockCapability,
  lockTtlMs: number,
  token: string,
  marker: Buffer,
): Promise<T> {
  const { client, store, key } = request
  client.log(store, key, 'FETCH')
  const stopExtending = keepLocked(lock, client.guarded, key, marker, lockTtlMs)
  // Indexed before the fetch starts (one round trip, next to a fetch that is far slower), so an
  // invalidateAll() that runs while the fetch is in flight finds the marker and fences this fill off.
  const entry = { key, ttlMs: request.ttlMs, index: request.index }
  const indexed = await client.guarded(() => lock.recordIndex(entry)).then(() => true, () => false)
  let value: T
  try {
    value = await request.fetch()
  } catch (error) {
    stopExtending()
    await release(request, lock, marker, { token, kind: 'error', message: messageOf(error) })
    throw error
  }
  stopExtending()
  let bytes: Buffer
  try {
    bytes = toBuffer(request.codec.encode(value))
  } catch {
    // Not storable: the callers here get the value; other processes' waiters find the key empty and fetch.
    client.log(store, key, 'ERROR')
    await release(request, lock, marker, { token, kind: 'filled' })
    return value
  }
  const notice = valueNotice(token, bytes)
  try {
    const written = await client.guarded(() => lock.commit(key, marker, bytes, request.ttlMs, encodeNotice(notice)))
    if (written && !indexed) await client.guarded(() => lock.recordIndex(entry))
  } catch {
    client.log(store, key, 'ERROR')
    compensate(lock, key, marker)
  }
  client.herdHub()?.deliver(key, notice)
  return value
}

async function release<T>(request: FillRequest<T>, lock: LockCapability, marker: Buffer, notice: Notice): Promise<void> {
  const { client, store, key } = request
  client.herdHub()?.deliver(key, notice)
  try {
    await client.guarded(() => lock.release(key, marker, encodeNotice(notice)))
  } catch {
    client.log(store, key, 'ERROR')
    compensate(lock, key, marker)
  }
}

/**
 * After a lock operation failed or timed out, it may still run on the server later: a release
 * queued behind it on the same connection removes the marker it would leave. Not bounded by
 * the breaker on purpose, and never awaited.
 */
export function compensate(lock: LockCapability, key: string, marker: Buffer): void {
  lock.release(key, marker, null).catch(() => {})
}

function toBuffer(bytes: string | Uint8Array): Buffer {
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8')
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
