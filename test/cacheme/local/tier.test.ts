// The tier's own rules, without Redis: the ticket (placeholder) rule, the tracking epoch, the
// bounds and what eviction keeps.
import { describe, expect, it } from 'vitest'
import { LocalTier, type Keep, type TrackedNode } from '../../../packages/cacheme/dist/local/tier.js'

const keep = (value: unknown, bytes = 10): Keep => ({ handout: 'shared', value, frame: undefined, bytes })
const settings = { maxEntries: 100, maxBytes: 1 << 20, ttlMs: 60_000, shared: true }
const armed = (): TrackedNode & { armed: boolean; epoch: number } => ({ name: 'n', armed: true, epoch: 0 })

describe('LocalTier', () => {
  it('keeps a reply only if its ticket is still there: an invalidation between send and reply wins', () => {
    const tier = new LocalTier(settings)
    const node = armed()
    const ticket = tier.reserve('k', node)
    tier.drop('k') // the invalidation arrives before the reply
    expect(tier.fill('k', ticket, keep('old'), 's', 1000, 0)).toBeUndefined()
    expect(tier.lookup('k', 0)).toBeUndefined()
    const again = tier.reserve('k', node)
    expect(tier.fill('k', again, keep('new'), 's', 1000, 0)?.value).toBe('new')
    expect(tier.lookup('k', 0)?.value).toBe('new')
  })

  it('a newer ticket replaces an older one, whose reply is then not kept', () => {
    const tier = new LocalTier(settings)
    const node = armed()
    const first = tier.reserve('k', node)
    const second = tier.reserve('k', node)
    expect(tier.fill('k', first, keep(1), 's', 1000, 0)).toBeUndefined()
    expect(tier.fill('k', second, keep(2), 's', 1000, 0)?.value).toBe(2)
  })

  it('keeps nothing read in another tracking epoch, or while tracking was not armed', () => {
    const tier = new LocalTier(settings)
    const node = armed()
    const ticket = tier.reserve('a', node)
    node.epoch++ // a connection dropped (and maybe came back) while the read was on its way
    expect(tier.fill('a', ticket, keep(1), 's', 1000, 0)).toBeUndefined()
    node.armed = false
    const unarmed = tier.reserve('b', node)
    node.armed = true // armed again before the reply: the read may have gone before CLIENT TRACKING
    expect(tier.fill('b', unarmed, keep(1), 's', 1000, 0)).toBeUndefined()
  })

  it('expires entries at their TTL', () => {
    const tier = new LocalTier(settings)
    tier.fill('k', tier.reserve('k', armed()), keep(1), 's', 100, 1000)
    expect(tier.lookup('k', 1099)?.value).toBe(1)
    expect(tier.lookup('k', 1100)).toBeUndefined()
    expect(tier.size).toBe(0)
  })

  it('stays within maxEntries and maxBytes, and admits a newcomer only if asked for more often than its victim', () => {
    const tier = new LocalTier({ ...settings, maxEntries: 3 })
    const node = armed()
    for (const key of ['a', 'b', 'c']) tier.fill(key, tier.reserve(key, node), keep(key), 's', 1000, 0)
    for (let i = 0; i < 5; i++) for (const key of ['a', 'b', 'c']) tier.lookup(key, 0)
    // A one-off key does not push out keys asked for often.
    expect(tier.fill('d', tier.reserve('d', node), keep('d'), 's', 1000, 0)).toBeUndefined()
    expect(tier.size).toBe(3)
    // A key asked for more often than the victim gets in.
    for (let i = 0; i < 10; i++) tier.reserve('e', node)
    expect(tier.fill('e', tier.reserve('e', node), keep('e'), 's', 1000, 0)?.value).toBe('e')
    expect(tier.size).toBe(3)
    const small = new LocalTier({ ...settings, maxBytes: 1000 })
    for (let i = 0; i < 50; i++) {
      const key = `k${i}`
      for (let r = 0; r <= i; r++) small.reserve(key, node) // each newcomer more popular than the last
      small.fill(key, small.reserve(key, node), keep(i, 200), 's', 1000, 0)
    }
    expect(small.bytes).toBeLessThanOrEqual(1000)
    expect(small.size).toBeGreaterThan(0)
    expect(small.fill('huge', small.reserve('huge', node), keep(0, 5000), 's', 1000, 0)).toBeUndefined()
  })

  it('drops by store, by node and everything', () => {
    const tier = new LocalTier(settings)
    const a = { name: 'a', armed: true, epoch: 0 }
    const b = { name: 'b', armed: true, epoch: 0 }
    tier.fill('1', tier.reserve('1', a), keep(1), 'x', 1000, 0)
    tier.fill('2', tier.reserve('2', b), keep(2), 'y', 1000, 0)
    tier.fill('3', tier.reserve('3', b), keep(3), 'x', 1000, 0)
    tier.dropStore('x')
    expect([tier.lookup('1', 0), tier.lookup('2', 0)?.value, tier.lookup('3', 0)]).toEqual([undefined, 2, undefined])
    tier.fill('3', tier.reserve('3', a), keep(3), 'x', 1000, 0)
    tier.dropWhere((_, entry) => entry.node === 'b')
    expect([tier.lookup('2', 0), tier.lookup('3', 0)?.value]).toEqual([undefined, 3])
    tier.clear()
    expect([tier.size, tier.bytes, tier.lookup('3', 0)]).toEqual([0, 0, undefined])
  })
})
