import { expect, test } from 'vitest'
import { Pruning, scoreOf } from '../../../packages/cacheme/dist/backends/pruning.js'

test('one write in 32 asks its script to prune, at most 64 members per set', () => {
  const pruning = new Pruning()
  const asks = Array.from({ length: 96 }, () => pruning.next())
  expect(asks.filter((a) => a !== '0')).toEqual(['64', '64', '64'])
  expect(asks[31]).toBe('64')
})

test("a member's score: its key's expiry by this clock, or a re-check an hour on for a key without one", () => {
  expect(scoreOf(1000, 500)).toBe(1500)
  expect(scoreOf(1000, 0)).toBe(1000 + 3_600_000)
})
