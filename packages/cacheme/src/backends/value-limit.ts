import { CacheUnavailableError } from '../errors.js'

/**
 * The largest value Redis takes in one command argument by default (`proto-max-bulk-len`,
 * 512 MB). A longer one is refused as a protocol error and the server drops the connection,
 * which would fail every command in flight on it: such a value is refused before it is sent.
 */
export const MAX_VALUE_BYTES = 512 * 1024 * 1024

/** The error for a framed value too big to store, or undefined when it fits. */
export function tooBig(key: string, byteLength: number): CacheUnavailableError | undefined {
  if (byteLength <= MAX_VALUE_BYTES) return undefined
  return new CacheUnavailableError(
    `cacheme: the value of '${key}' is ${byteLength} bytes, over Redis's limit of ${MAX_VALUE_BYTES} bytes (512 MB, proto-max-bulk-len) for one value; it is not stored`,
    { outcome: 'not-applied' },
  )
}
