import { expect, test } from 'vitest'
import { configure, createClient, defaultClient } from 'cacheme'

test('configure() releases the embedded client it made, never one handed to it', async () => {
  const embedded = defaultClient()
  const mine = createClient()
  expect(configure(mine)).toBe(mine)
  expect(embedded.isClosed).toBe(true)
  const made = configure()
  expect(mine.isClosed).toBe(false)
  configure(mine)
  expect(made.isClosed).toBe(true)
  configure(mine)
  expect(mine.isClosed).toBe(false)
  configure()
  await mine.close()
})
