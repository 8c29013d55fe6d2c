// The local tier's copy of a decoded value: equal, sharing nothing mutable, and only for what
// the built-in codecs produce (anything else is decoded again per get).
import { describe, expect, it } from 'vitest'
import { copyable, copyValue } from '../../../packages/cacheme/dist/local/copy.js'

describe('copyValue', () => {
  it('copies every shape the built-in codecs decode, sharing nothing mutable', () => {
    const value = {
      n: 1,
      s: 'text',
      b: true,
      nil: null,
      u: undefined,
      big: 12n,
      nan: Number.NaN,
      list: [1, { deep: ['x'] }],
      at: new Date(5),
      map: new Map<unknown, unknown>([['k', { v: 1 }]]),
      set: new Set([1, 2]),
      bytes: new Uint8Array([1, 2]),
      buffer: Buffer.from('ab'),
      bare: Object.assign(Object.create(null), { a: 1 }),
    }
    const parsed = JSON.parse('{"__proto__": {"polluted": true}}')
    for (const v of [value, parsed]) {
      expect(copyable(v)).toBe(true)
      const c = copyValue(v)
      expect(c).toStrictEqual(v)
      expect(c).not.toBe(v)
    }
    const c = copyValue(value)
    expect(c.list[1]).not.toBe(value.list[1])
    expect(c.at).not.toBe(value.at)
    expect(c.map.get('k')).not.toBe(value.map.get('k'))
    expect(c.bytes).not.toBe(value.bytes)
    expect(Buffer.isBuffer(c.buffer) && c.buffer !== value.buffer).toBe(true)
    expect(Object.getPrototypeOf(c.bare)).toBe(null)
    const p = copyValue(parsed)
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('says no to what it could not copy faithfully', () => {
    class Point {
      x = 1
    }
    const getter = Object.defineProperty({}, 'g', { get: () => 1, enumerable: true })
    const sparse = [1, , 3] // eslint-disable-line no-sparse-arrays
    const tagged = Object.assign([1], { extra: true })
    const deep: unknown[] = []
    let cur = deep
    for (let i = 0; i < 100; i++) {
      const next: unknown[] = []
      cur.push(next)
      cur = next
    }
    for (const v of [
      new Point(),
      { p: new Point() },
      getter,
      sparse,
      tagged,
      new DataView(new ArrayBuffer(2)),
      () => 1,
      deep,
      { [Symbol('s')]: 1 },
    ]) {
      expect(copyable(v)).toBe(false)
    }
    expect(copyable(Array.from({ length: 20_000 }, (_, i) => i))).toBe(false)
  })
})
