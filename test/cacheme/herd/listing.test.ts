import { randomUUID } from 'node:crypto'
import { afterAll, expect, inject, test } from 'vitest'
import { Redis } from '../../harness/ioredis.js'
import { LISTING_LUA } from '../../../packages/cacheme/dist/herd/listing.js'

const { port, host } = inject('redis').standalone
const redis = new Redis(port, host)
afterAll(() => redis.disconnect())

// Calls one function of the snippet by name: ARGV[1] names it, the rest are its arguments.
const CALL = `${LISTING_LUA}
local f = ARGV[1]
if f == 'list' then list(KEYS[1], ARGV[2], ARGV[3], ARGV[4])
elseif f == 'cover' then cover(KEYS[1], ARGV[2])
elseif f == 'prune' then prune(KEYS[1], ARGV[2], ARGV[3])
elseif f == 'listWritten' then
  local pending = false
  if KEYS[4] then pending = KEYS[4] end
  listWritten(ARGV[2], KEYS[1], {KEYS[2], KEYS[3]}, pending, ARGV[3], ARGV[4])
end
return redis.call('PTTL', KEYS[1])
`
const call = (keys: string[], ...args: (string | number)[]) => redis.eval(CALL, keys.length, ...keys, ...args) as Promise<number>
const name = (label: string) => `listing-${randomUUID().slice(0, 8)}:${label}`

test('list: adds the member and makes the set live at least ttl more, never less; 0 makes it live for ever', async () => {
  const set = name('set')
  expect(await call([set], 'list', 'k1', 100, 10_000)).toBeGreaterThan(9_000)
  expect(await redis.zscore(set, 'k1')).toBe('100')
  expect(await call([set], 'list', 'k2', 200, 1_000)).toBeGreaterThan(9_000) // not shortened
  expect(await call([set], 'list', 'k3', 300, 60_000)).toBeGreaterThan(59_000) // grown
  expect(await call([set], 'list', 'k4', 400, '0')).toBe(-1) // a key without expiry: the set keeps it for ever
  expect(await call([set], 'list', 'k5', 500, 1_000)).toBe(-1)
  const fresh = name('fresh')
  expect(await call([fresh], 'list', 'k', 1, '0')).toBe(-1)
  expect(await redis.zcard(set)).toBe(5)
})

test('cover: one PEXPIRE GT (never shortens, a no-op on a set without expiry); 0 persists', async () => {
  const set = name('cover')
  await call([set], 'list', 'k', 1, 5_000)
  expect(await call([set], 'cover', 1_000)).toBeGreaterThan(4_000)
  expect(await call([set], 'cover', 50_000)).toBeGreaterThan(49_000)
  expect(await call([set], 'cover', '0')).toBe(-1)
  expect(await call([set], 'cover', 1_000)).toBe(-1)
})

test('prune: drops only members whose key is gone; a live key is re-scored by its PTTL, one without expiry an hour on; at most count', async () => {
  const set = name('prune')
  const [live, gone, forever, later] = ['live', 'gone', 'forever', 'later'].map((label) => name(label))
  await redis.set(live!, 'x', 'PX', 100_000)
  await redis.set(forever!, 'x')
  await redis.zadd(set, 1, live!, 2, gone!, 3, forever!, 5_000, later!)
  await call([set], 'prune', 1_000, 2) // only the first two due
  expect(await redis.zrange(set, '0', '-1')).toEqual([forever, later, live])
  expect(Number(await redis.zscore(set, live!))).toBeGreaterThan(1_000 + 99_000)
  await call([set], 'prune', 1_000, 10)
  expect(Number(await redis.zscore(set, forever!))).toBe(1_000 + 3_600_000)
  expect(await redis.zscore(set, later!)).toBe('5000') // not due: untouched, though its key is gone
  await call([set], 'prune', 1_000, '0')
  await call([set], 'prune', 10_000, 10)
  expect(await redis.zrange(set, '0', '-1')).toEqual([live, forever])
  await redis.del(live!, forever!)
})

test('listWritten: covers the index, lists the key in each tag set, takes it off the pending set', async () => {
  const [index, tagA, tagB, pending] = ['index', 'a', 'b', 'pending'].map((label) => name(label))
  await call([index!], 'list', 'key', 1, 5_000)
  await call([pending!], 'list', 'key', 1, 5_000)
  expect(await call([index!, tagA!, tagB!, pending!], 'listWritten', 'key', 123, 60_000)).toBeGreaterThan(59_000)
  expect(await redis.zscore(tagA!, 'key')).toBe('123')
  expect(await redis.pttl(tagB!)).toBeGreaterThan(59_000)
  expect(await redis.exists(pending!)).toBe(0)
  await redis.del(index!, tagA!, tagB!)
})

test('listWritten without a pending set: the tag sets list the key since its marker, and are only covered', async () => {
  const [index, tagA, tagB] = ['index', 'a', 'b'].map((label) => name(label))
  for (const set of [index!, tagA!, tagB!]) await call([set], 'list', 'key', 1, 5_000)
  expect(await call([index!, tagA!, tagB!], 'listWritten', 'key', 123, 60_000)).toBeGreaterThan(59_000)
  expect(await redis.zscore(tagA!, 'key')).toBe('1') // not listed again
  expect(await redis.pttl(tagB!)).toBeGreaterThan(59_000)
  await redis.del(index!, tagA!, tagB!)
})
