import { expect, test } from 'vitest'
import { MAX_VALUE_BYTES, tooBig } from '../../../packages/cacheme/src/backends/value-limit.js'
import { CacheUnavailableError } from '../../../packages/cacheme/src/errors.js'

test("a value up to Redis's 512 MB fits; one byte more is refused, naming the key, its size and the limit", () => {
  expect(MAX_VALUE_BYTES).toBe(512 * 1024 * 1024)
  expect(tooBig('app:k:v1', 0)).toBeUndefined()
  expect(tooBig('app:k:v1', MAX_VALUE_BYTES)).toBeUndefined()
  const error = tooBig('app:k:v1', MAX_VALUE_BYTES + 1)
  expect(error).toBeInstanceOf(CacheUnavailableError)
  expect(error?.outcome).toBe('not-applied')
  expect(error?.message).toBe(
    `cacheme: the value of 'app:k:v1' is ${MAX_VALUE_BYTES + 1} bytes, over Redis's limit of ${MAX_VALUE_BYTES} bytes (512 MB, proto-max-bulk-len) for one value; it is not stored`,
  )
})
