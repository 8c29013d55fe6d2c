import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, inject, test } from 'vitest'
import { createClient, type Client, type ClientOptions } from 'cacheme'
import { coreOf } from '../../../packages/cacheme/dist/client/client.js'
import { frameMarker, frameValue } from '../../../packages/cacheme/dist/codec/frame.js'
import { encodeNotice } from '../../../packages/cacheme/dist/herd/notice.js'
import type { BatchLock, IndexName } from '../../../packages/cacheme/dist/backends/backend.js'

/** The batch's lock steps (backends/batch-lock.ts) on each backend: one script per node, each key's answer its own. */
const backends: [string, () => ClientOptions][] = [
  ['memory', () => ({})],
  ['standalone', () => ({ redis: inject('redis').standalone.url })],
  ['cluster', () => ({ cluster: inject('redis').cluster.seeds })],
]

let client: Client | undefined
afterEach(async () => {
  await client?.close()
  client = undefined
})

const token = () => randomUUID().replace(/-/g, '')

/** A client of the backend with its batch lock, a store index, its tag sets and pending fills, 12 keys and fresh marker heads. */
function setUpOn(options: () => ClientOptions) {
  const own = createClient({ ...options(), prefix: `bl-${randomUUID()}` })
  client = own
  const core = coreOf(own)
  const lock = (core.backend as unknown as { batchLock: BatchLock }).batchLock
  const index: IndexName = { head: `${own.prefix}:~index:`, tail: 'k:<<id>>:v1' }
  const tag = (name: string): IndexName => ({ head: `${own.prefix}:~tag:`, tail: name })
  const pending: IndexName = { head: `${own.prefix}:~tag-fills:`, tail: '' }
  const keys = Array.from({ length: 12 }, (_, i) => `${own.prefix}:k:${i}:v1`)
  const raw = async (ks: string[]) => (await core.backend.get(ks)) as (Buffer | null)[]
  const heads = keys.map(() => frameMarker(token()))
  return { core, lock, index, tag, pending, keys, raw, heads }
}

describe.each(backends)('batch lock on %s', (_name, options) => {
  const setUp = () => setUpOn(options)

  test('acquire takes the missing keys and exactly the bytes to replace; the others report what they hold and its PTTL', async () => {
    const { core, lock, index, keys, raw } = setUp()
    const value = frameValue(Buffer.from('v'))
    await core.backend.set([keys[0]!, keys[1]!].map((key) => ({ key, index, value, ttlMs: 60_000 })))
    const heads = keys.map(() => frameMarker(token()))
    const results = await lock.acquire(
      keys.map((key, i) => ({ key, index, head: heads[i]!, replace: i === 1 ? value : undefined })),
      5000,
      60_000,
    )
    expect(results[0]).toMatchObject({ acquired: false })
    const held = results[0] as { current: Buffer; pttlMs: number }
    expect(held.current.equals(value)).toBe(true)
    expect(held.pttlMs).toBeGreaterThan(50_000)
    expect(results.slice(1)).toEqual(keys.slice(1).map(() => ({ acquired: true })))
    const stored = await raw(keys)
    expect(stored[0]!.equals(value)).toBe(true)
    stored.slice(1).forEach((bytes, i) => expect(bytes!.equals(heads[i + 1]!)).toBe(true))
  })

  test('settle commits where the marker is still ours, releases where asked, and is fenced off by a write in between', async () => {
    const { core, lock, index, keys, raw } = setUp()
    const heads = keys.map(() => frameMarker(token()))
    await lock.acquire(
      keys.map((key, i) => ({ key, index, head: heads[i]! })),
      5000,
      60_000,
    )
    const other = frameValue(Buffer.from('written meanwhile'))
    await core.backend.set([{ key: keys[2]!, index, value: other, ttlMs: 0 }])
    const values = keys.map((_, i) => frameValue(Buffer.from(`value ${i}`)))
    const results = await lock.settle(
      keys.map((key, i) => ({
        key,
        index,
        head: heads[i]!,
        ttlMs: 60_000,
        value: i === 3 ? null : values[i]!,
        notice: encodeNotice({ token: heads[i]!.subarray(5).toString('latin1'), kind: 'filled' }),
      })),
    )
    expect(results.map((r) => (r instanceof Error ? r.message : r.done))).toEqual(keys.map((_, i) => i !== 2))
    const stored = await raw(keys)
    expect(stored[2]!.equals(other)).toBe(true)
    expect(stored[3]).toBeNull()
    for (const i of keys.keys()) if (i !== 2 && i !== 3) expect(stored[i]!.equals(values[i]!)).toBe(true)
    // A second settle finds no marker of ours: nothing done, nothing overwritten.
    const again = await lock.settle(keys.map((key, i) => ({ key, index, head: heads[i]!, ttlMs: 0, value: null, notice: null })))
    expect(again.map((r) => (r instanceof Error ? r.message : r.done))).toEqual(keys.map(() => false))
    expect((await raw(keys))[0]!.equals(values[0]!)).toBe(true)
  })

  test("extend pushes only our markers' expiry", async () => {
    const { lock, index, keys, raw } = setUp()
    const heads = keys.map(() => frameMarker(token()))
    await lock.acquire(
      keys.map((key, i) => ({ key, index, head: heads[i]! })),
      200,
      60_000,
    )
    const stranger = frameMarker(token())
    await lock.extend(
      keys.map((key, i) => ({ key, index, head: i === 0 ? stranger : heads[i]! })),
      60_000,
    )
    // Past the 200 ms lock TTL the extended markers are still there; the one a stranger "extended" is gone.
    await new Promise((resolve) => setTimeout(resolve, 400))
    const stored = await raw(keys)
    expect(stored[0]).toBeNull()
    stored.slice(1).forEach((bytes) => expect(bytes).not.toBeNull())
  })
})

describe.each(backends)('batch lock listing on %s', (_name, options) => {
  const setUp = () => setUpOn(options)

  test('acquire lists the markers under their tags, and extend keeps those sets alive past the first lock TTL', async () => {
    const { core, lock, index, tag, pending, keys, heads } = setUp()
    const tags = [tag('t')]
    await lock.acquire(
      keys.map((key, i) => ({ key, index, tags, head: heads[i]! })),
      200,
      60_000,
    )
    await lock.extend(
      keys.map((key, i) => ({ key, index, tags, head: heads[i]! })),
      60_000,
    )
    await new Promise((resolve) => setTimeout(resolve, 400)) // past the 200 ms the sets were first given
    expect(await core.backend.delTagged(tags, pending)).toBe(keys.length)
  })

  test('settle lists a value under the tags that came with it and takes it off the pending fills; static tags stay listed', async () => {
    const { core, lock, index, tag, pending, keys, raw, heads } = setUp()
    const half = keys.length / 2
    // The first half's tags come with the value (marked pending); the second half's are static.
    const markerTags = (i: number) => (i < half ? [pending] : [tag('static')])
    await lock.acquire(
      keys.map((key, i) => ({ key, index, tags: markerTags(i), head: heads[i]! })),
      5000,
      60_000,
    )
    const results = await lock.settle(
      keys.map((key, i) => ({
        key,
        index,
        head: heads[i]!,
        ttlMs: 60_000,
        value: frameValue(Buffer.from(`value ${i}`)),
        notice: null,
        ...(i < half ? { tags: [tag(`fn:${i % 2}`)], pending } : { tags: markerTags(i) }),
      })),
    )
    expect(results.map((r) => (r instanceof Error ? r.message : r.done))).toEqual(keys.map(() => true))
    // Off the pending fills: an invalidateTags of another tag (which fences every pending fill) leaves them.
    expect(await core.backend.delTagged([tag('other')], pending)).toBe(0)
    expect((await raw(keys)).every((bytes) => bytes !== null)).toBe(true)
    expect(await core.backend.delTagged([tag('fn:1')], pending)).toBe(half / 2)
    expect(await core.backend.delTagged([tag('static')], pending)).toBe(half)
    expect((await raw(keys)).map((bytes) => bytes !== null)).toEqual(keys.map((_, i) => i < half && i % 2 === 0))
  })
})
