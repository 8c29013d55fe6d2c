import { expect, test } from 'vitest'
import { createClient } from 'cacheme'

test('timeout takes milliseconds or a duration and names a bad value', async () => {
  for (const timeout of [250, '250ms', '2s']) {
    const client = createClient({ timeout })
    await client.close()
  }
  for (const timeout of [0, -5, Number.NaN, '5 parsecs', null, {}]) {
    expect(() => createClient({ timeout: timeout as never })).toThrow(/timeout must be a number of milliseconds > 0 or a duration/)
  }
  expect(() => createClient({ timeout: '5 parsecs' })).toThrow(/"5 parsecs"|'5 parsecs'|5 parsecs/)
})
