import { randomUUID } from 'node:crypto'
import { cached, createClient, type Client } from 'cacheme'
import { Packr } from 'msgpackr'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { defaultCodec, jsonCodec, msgpackCodec, NOT_A_VALUE, resolveCodec } from '../../../packages/cacheme/src/codec/codec.js'
import { withFreshness } from '../../../packages/cacheme/src/codec/frame.js'
import { Redis } from '../../harness/ioredis.js'

/** Through the codec and the frame, as a store writes and reads it. */
function roundTrip<T>(value: T): T {
  const format = resolveCodec<T>(undefined, 'round-trip')
  const frame = format.read(format.write(value))
  if (frame.kind !== 'value') throw new Error(`expected a value frame, got ${frame.kind}`)
  return format.decode(frame)
}

const TYPED = [
  new Uint8Array([0, 1, 255]),
  new Int8Array([-128, 127]),
  new Uint8ClampedArray([0, 255]),
  new Int16Array([-32768, 1]),
  new Uint16Array([65535]),
  new Int32Array([-1, 2 ** 31 - 1]),
  new Uint32Array([2 ** 32 - 1]),
  new Float32Array([1.5, -0.25]),
  new Float64Array([Math.PI, Number.MAX_VALUE, -0]),
  new BigInt64Array([-(2n ** 63n)]),
  new BigUint64Array([2n ** 64n - 1n]),
]

describe('the default codec round-trips', () => {
  test.each([
    ['a number', 42.5],
    ['a short string', 'user-1'],
    ['an empty string', ''],
    ['true', true],
    ['null', null],
    ['an array', [1, 'two', null, { three: 3 }]],
    ['a record', { id: 1, title: 'x', author: { id: 2, name: 'y' }, tags: ['a'] }],
    ['an empty object', {}],
    ['an empty array', []],
    ['unicode', 'héllo 😀 \u2028'],
  ])('%s, as JSON does', (_label, value) => {
    expect(roundTrip(value)).toEqual(value)
  })

  test('a value without a Map that is not mostly object keys is plain msgpack, which any msgpack reader decodes', () => {
    const value = { id: 1, tags: ['a', 'b'], score: 1.5, none: null } // 4 keys, 3 slow items
    expect(new Packr({ mapsAsObjects: true }).unpack(Buffer.from(defaultCodec.encode(value)))).toEqual(value)
  })

  test('a value with a Map is 0xC1, mode 2 (a table) and msgpack of [table, value]', () => {
    const bytes = Buffer.from(defaultCodec.encode({ list: [new Map([[1, 2]])] }))
    expect([bytes[0], bytes[1]]).toEqual([0xc1, 0x02])
    expect(new Packr({ mapsAsObjects: true }).unpack(bytes.subarray(2))).toEqual([[['M', 'list', 0]], { list: [[1, 2]] }])
  })

  test('a large value of repeated shapes is encoded with records, and reads back the same', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, title: `row ${i}`, at: new Date(i), tags: new Map([['k', i]]) }))
    const bytes = Buffer.from(defaultCodec.encode(rows))
    expect([bytes[0], bytes[1]]).toEqual([0xc1, 0x03])
    expect(roundTrip(rows)).toEqual(rows)
    // self-contained: another process (a fresh msgpackr) reads it, whatever was encoded before
    defaultCodec.encode(rows.map((r) => ({ ...r, id: -r.id })))
    const fresh = new Packr({ moreTypes: true, useRecords: true, mapsAsObjects: true })
    expect(fresh.unpack(Buffer.from(defaultCodec.encode(rows)).subarray(2))[1][7]).toEqual({
      id: 7,
      title: 'row 7',
      at: new Date(7),
      tags: ['k', 7],
    })
    // Shapes that don't repeat: records don't shrink it, so it stays plain msgpack.
    const varied = Array.from({ length: 40 }, (_, i) => ({ [`key${i}`]: 'x'.repeat(30), at: new Date(i) }))
    expect(Buffer.from(defaultCodec.encode(varied))[0]).not.toBe(0xc1)
    expect(roundTrip(varied)).toEqual(varied)
  })

  test('a Date, at the top and nested, and an invalid Date', () => {
    const at = new Date('2024-02-29T12:34:56.789Z')
    expect(roundTrip(at)).toEqual(at)
    const out = roundTrip({ at, list: [at], bad: new Date(Number.NaN) })
    expect(out.at).toBeInstanceOf(Date)
    expect(out.at.getTime()).toBe(at.getTime())
    expect(out.list[0]).toEqual(at)
    expect(Number.isNaN(out.bad.getTime())).toBe(true)
  })

  test('a Map stays a Map, distinct from a plain object, with any keys', () => {
    const map = new Map<unknown, unknown>([
      ['a', 1],
      [2, 'b'],
      [null, { x: new Map([['y', new Set([1])]]) }],
    ])
    const out = roundTrip({ map, object: { a: 1 }, empty: new Map() })
    expect(out.map).toBeInstanceOf(Map)
    expect(out.map).toEqual(map)
    expect(out.map.get(2)).toBe('b')
    expect((out.map.get(null) as { x: Map<string, Set<number>> }).x.get('y')).toEqual(new Set([1]))
    expect(out.object).not.toBeInstanceOf(Map)
    expect(Object.getPrototypeOf(out.object)).toBe(Object.prototype)
    expect(out.empty).toEqual(new Map())
    expect(roundTrip(new Map([[1, 2]]))).toEqual(new Map([[1, 2]]))
  })

  test('a Set, at the top and nested', () => {
    expect(roundTrip(new Set(['x', 3]))).toEqual(new Set(['x', 3]))
    expect(roundTrip({ s: new Set([new Date(0), { a: 1n }]) })).toEqual({ s: new Set([new Date(0), { a: 1n }]) })
  })

  test('a BigInt, small, large and negative', () => {
    for (const big of [0n, 7n, 12345678901234567890123n, -(2n ** 70n)]) {
      expect(roundTrip(big)).toBe(big)
      expect(roundTrip({ big }).big).toBe(big)
    }
  })

  test('undefined at the top, as a property (kept, in its place) and in an array', () => {
    expect(roundTrip(undefined)).toBeUndefined()
    const out = roundTrip({ a: 1, missing: undefined, b: 2 })
    expect(Object.keys(out)).toEqual(['a', 'missing', 'b'])
    expect('missing' in out).toBe(true)
    expect(roundTrip([undefined, 1, undefined])).toEqual([undefined, 1, undefined])
  })

  test.each(TYPED.map((t) => [t.constructor.name, t]))('a %s, at the top and nested', (_name, typed) => {
    const top = roundTrip(typed)
    expect(top).toBeInstanceOf(typed.constructor)
    expect(top).toEqual(typed)
    const nested = roundTrip({ typed })
    expect(nested.typed).toBeInstanceOf(typed.constructor)
    expect(nested.typed).toEqual(typed)
  })

  test("a Buffer is a Buffer again, a Uint8Array not a Buffer; both are the caller's own bytes", () => {
    const buffer = Buffer.from('raw bytes \u0000\u00ff')
    const out = roundTrip({ buffer, bytes: new Uint8Array([1, 2]), view: Buffer.from('abcdef').subarray(2, 4) })
    expect(Buffer.isBuffer(out.buffer)).toBe(true)
    expect(out.buffer.equals(buffer)).toBe(true)
    expect(Buffer.isBuffer(out.bytes)).toBe(false)
    expect(out.view.toString()).toBe('cd')
    expect(Buffer.isBuffer(roundTrip(Buffer.from([1, 2, 3])))).toBe(true)
  })

  test('NaN, Infinity, -Infinity and -0', () => {
    for (const n of [Number.NaN, Infinity, -Infinity, -0]) {
      expect(Object.is(roundTrip(n), n)).toBe(true)
      expect(Object.is(roundTrip([n])[0], n)).toBe(true)
    }
    expect(Object.is(roundTrip(0), 0)).toBe(true)
  })

  test('nested combinations of all of them', () => {
    const value = {
      text: 'héllo 😀',
      int: 42,
      float: -0.5,
      bool: true,
      none: null,
      missing: undefined,
      list: [1, 'two', null, { three: 3, when: new Date(5) }, [new Map([[1, [2n, undefined]]])]],
      map: new Map<unknown, unknown>([['nested', new Map([['x', new Set([1, new Float64Array([2.5])])]])]]),
      set: new Set([new Map([[Buffer.from('k'), 1]])]),
      deep: { a: { b: { c: [{ d: -0, e: Number.NaN, f: new Int32Array([1]) }] } } },
    }
    const out = roundTrip(value)
    expect(out).toEqual(value)
    expect(Object.is(out.deep.a.b.c[0]!.d, -0)).toBe(true)
  })

  test('the same object twice is stored twice and comes back as two equal copies', () => {
    const at = new Date(1)
    const shared = { at }
    const out = roundTrip({ one: shared, two: shared })
    expect(out.one).toEqual(shared)
    expect(out.two).toEqual(shared)
  })

  test("data that looks like the codec's own table is just data", () => {
    const lookalikes = [[[['M', 'x']], { x: [1, 2] }], [[['Z']], 0], '\xc1', { $t: 'M', v: 1 }]
    for (const value of lookalikes) expect(roundTrip(value)).toEqual(value)
  })

  test('a "__proto__" key never becomes a prototype (msgpackr\'s guard reads it back as "__proto_")', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"at":1}') as Record<string, unknown>
    value.when = new Map([[1, 2]])
    const out = roundTrip(value)
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toEqual(['__proto_', 'at', 'when'])
    expect(out.when).toEqual(new Map([[1, 2]]))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('a class instance comes back as its fields, or its toJSON(), Maps inside included', () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    class Money {
      toJSON() {
        return { amount: '12.50', by: new Map([['EUR', 1]]) }
      }
    }
    const out = roundTrip({
      point: new Point(1, 2),
      money: new Money(),
      inner: new (class {
        m = new Map([[1, 2]])
      })(),
    })
    expect(out).toEqual({ point: { x: 1, y: 2 }, money: { amount: '12.50', by: new Map([['EUR', 1]]) }, inner: { m: new Map([[1, 2]]) } })
  })

  test('a cycle is refused with an error that says so', () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    expect(() => defaultCodec.encode(cyclic)).toThrow(/cycle/)
  })

  test('a malformed payload is refused with an error naming what is wrong', () => {
    const tabled = (value: unknown) => Buffer.concat([Buffer.from([0xc1, 0x02]), new Packr().pack(value)])
    expect(() => defaultCodec.decode(Buffer.from([0xc1, 0x08, 0xc0]))).toThrow(/mode 8/)
    expect(() => defaultCodec.decode(tabled([[['Q', 'x']], { x: [] }]))).toThrow(/unknown tag "Q"/)
    expect(() => defaultCodec.decode(tabled({ x: 1 }))).toThrow(/not \[table, value\]/)
    expect(() => defaultCodec.decode(tabled([[['M', 'x', 'y']], { x: 1 }]))).toThrow(/points past the value/)
    expect(() => defaultCodec.decode(tabled([[['M', 'x']], { x: 1 }]))).toThrow(/non-array/)
    expect(() => defaultCodec.decode(Buffer.from([0xd9]))).toThrow()
  })

  test("msgpackCodec is the default codec, for no option, for 'msgpack' and given itself", () => {
    expect(msgpackCodec).toBe(defaultCodec)
    expect(resolveCodec(undefined, 's')).toBe(resolveCodec('msgpack', 's'))
    expect(resolveCodec(msgpackCodec, 's')).toBe(resolveCodec('msgpack', 's'))
  })
})

const BOOK = {
  id: 7,
  title: 'The Book of 7',
  author: { id: 7, name: 'A. Writer', verified: true },
  tags: ['fiction', 'classic', 'paperback'],
  price: 12.5,
  stock: 42,
  published: '2021-06-01T00:00:00.000Z',
}

/** The payload's form: 'json' (0xC1 0x04), 'msgpack' (plain), or the lead's mode. */
function formOf(value: unknown): string {
  const bytes = Buffer.from(defaultCodec.encode(value))
  if (bytes[0] !== 0xc1) return 'msgpack'
  return bytes[1] === 0x04 ? 'json' : `mode ${bytes[1]}`
}

describe('the default codec writes JSON text for what JSON carries exactly and decodes faster (mode 4)', () => {
  test('a record is 0xC1 0x04 and its JSON text, which JSON.parse reads', () => {
    const bytes = Buffer.from(defaultCodec.encode(BOOK))
    expect([bytes[0], bytes[1]]).toEqual([0xc1, 0x04])
    expect(bytes.subarray(2).toString('utf8')).toBe(JSON.stringify(BOOK))
    expect(roundTrip(BOOK)).toEqual(BOOK)
    expect(Object.getPrototypeOf(roundTrip(BOOK))).toBe(Object.prototype)
  })

  test.each([
    ['records', { id: 1, name: 'n1', ok: true }],
    ['nested records', { a: { b: { c: 1, d: 'x' } }, e: [{ f: null, g: false }] }],
    [
      'an array of records',
      [
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ],
    ],
    ['a dictionary', { u1: 1, u2: 2, u3: 3 }],
    ['unicode and escapes', { text: 'héllo 😀 \u2028 "q" \\ \n\t\u0000', 日本: 'ελληνικά' }],
    ['lone surrogates', { high: '\ud800', low: 'a\udc00b' }],
    ['big, small and negative numbers', { a: 2 ** 53 + 2, b: -(2 ** 60), c: 5e-324, d: Number.MAX_VALUE, e: 0, f: -1 }],
    ['integer-like keys (in their JS order)', { 10: 'a', 2: 'b', x: 'c', 1: 'd' }],
  ])('%s: JSON, read back exactly', (_label, value) => {
    expect(formOf(value)).toBe('json')
    const out = roundTrip(value)
    expect(out).toStrictEqual(value)
    expect(Object.keys(out)).toEqual(Object.keys(value))
  })

  test.each([
    ['-0', { a: -0, b: 1 }],
    ['NaN', { a: Number.NaN, b: 1 }],
    ['Infinity', { a: Infinity, b: 1 }],
    ['undefined', { a: undefined, b: 1 }],
    ['a hole', { a: Object.assign(new Array<number>(3), { 0: 1, 2: 3 }), b: 1, c: 2, d: 3, e: 4, f: 5, g: 6 }],
    ['a Date', { a: new Date(5), b: 1 }],
    ['a Map', { a: new Map([[1, 2]]), b: 1 }],
    ['a Set', { a: new Set([1]), b: 1 }],
    ['a BigInt', { a: 1n, b: 1 }],
    ['a typed array', { a: new Int32Array([1]), b: 1 }],
    ['a Buffer', { a: Buffer.from('x'), b: 1 }],
    [
      'a class instance',
      {
        a: new (class Point {
          x = 1
          y = 2
        })(),
        b: 1,
      },
    ],
    [
      'a toJSON()',
      {
        a: new (class {
          toJSON() {
            return 'j'
          }
        })(),
        b: 1,
      },
    ],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { a: 1, b: 2 })],
    ['an Array subclass', { a: new (class List extends Array<number> {})(), b: 1 }],
    ['a function', { a: () => 1, b: 1 }],
  ])('a value holding %s is msgpack (JSON would change it)', (_label, value) => {
    expect(formOf(value)).not.toBe('json')
  })

  test('a "__proto__" key stays msgpack (JSON.parse would keep it; msgpackr renames it)', () => {
    expect(formOf(JSON.parse('{"__proto__":{"x":1},"a":1,"b":2}'))).toBe('msgpack')
  })

  test.each([
    ['a top-level string', 'user-1'],
    ['a number', 42],
    ['true', true],
    ['null', null],
    ['one key', { id: 1 }],
    ['an empty object', {}],
    ['an array of strings', ['a', 'b', 'c']],
    ['an array of ids', [1, 2, 3, 4]],
    ['a record with a tag list', { id: 1, title: 't', tags: ['a', 'b', 'c'] }],
    ['a record of floats', { x: 1.5, y: 2.25 }],
    ['a long text', { id: 1, body: 'lorem ipsum '.repeat(100) }],
  ])('%s stays msgpack, which decodes it faster', (_label, value) => {
    expect(formOf(value)).toBe('msgpack')
    expect(roundTrip(value)).toEqual(value)
  })

  test('a large JSON value of repeated shapes is msgpack with records; of varied shapes, JSON', () => {
    const books = Array.from({ length: 50 }, (_, i) => ({ ...BOOK, id: i }))
    expect(formOf(books)).toBe('mode 1')
    expect(roundTrip(books)).toEqual(books)
    const varied = Array.from({ length: 40 }, (_, i) => ({ [`key${i}`]: 'x'.repeat(30), n: i }))
    expect(formOf(varied)).toBe('json')
    expect(roundTrip(varied)).toEqual(varied)
  })

  test('behind freshness metadata (frame flags 1) a JSON payload reads the same', () => {
    const format = resolveCodec<unknown>(undefined, 'fresh')
    const frame = format.read(withFreshness(format.write(BOOK), { freshUntil: 1, staleUntil: 2, errorUntil: 3, deltaMs: 4, beta: 0 }))
    if (frame.kind !== 'value') throw new Error(frame.kind)
    expect(frame.fresh).toMatchObject({ freshUntil: 1, deltaMs: 4 })
    expect(format.decode(frame)).toStrictEqual(BOOK)
  })

  test('a JSON payload that is not JSON, or a mode beside 4, is refused', () => {
    expect(() => defaultCodec.decode(Buffer.from([0xc1, 0x04, 0x7b]))).toThrow(SyntaxError)
    for (const mode of [5, 6, 7, 8, 0x84]) expect(() => defaultCodec.decode(Buffer.from([0xc1, mode, 0x7b, 0x7d]))).toThrow(`mode ${mode}`)
  })
})

/**
 * Bytes the default codec wrote before the JSON mode (frame header included), as Redis holds
 * them: a record (plain msgpack), a value with a table (0xC1 0x02), records (0xC1 0x01) and a
 * frame with freshness metadata (flags 1).
 */
const OLD = {
  book: Buffer.from(
    'c1636d017600de0007a2696407a57469746c65ad54686520426f6f6b206f662037a6617574686f72de0003a2696407a46e616d65a9412e20577269746572a87665726966696564c3a47461677393a766696374696f6ea7636c6173736963a970617065726261636ba57072696365cb4029000000000000a573746f636b2aa97075626c6973686564b8323032312d30362d30315430303a30303a30302e3030305a',
    'hex',
  ),
  rich: Buffer.from(
    'c1636d017600c102929292a14da2627992a15aa47a65726fde0005a26174d6ff65dfc900a2627992a345555201a3626967d3000000000000000ca46e6f6e65d40000a47a65726f00',
    'hex',
  ),
  rows: Buffer.from(
    'wWNtAXYAwQHcAFDUckCSomlkpG5hbWUAomFiQAGiYWJAAqJhYkADomFiQASiYWJABaJhYkAGomFiQAeiYWJACKJhYkAJomFiQAqiYWJAC6JhYkAMomFiQA2iYWJADqJhYkAPomFiQBCiYWJAEaJhYkASomFiQBOiYWJAFKJhYkAVomFiQBaiYWJAF6JhYkAYomFiQBmiYWJAGqJhYkAbomFiQByiYWJAHaJhYkAeomFiQB+iYWJAIKJhYkAhomFiQCKiYWJAI6JhYkAkomFiQCWiYWJAJqJhYkAnomFiQCiiYWJAKaJhYkAqomFiQCuiYWJALKJhYkAtomFiQC6iYWJAL6JhYkAwomFiQDGiYWJAMqJhYkAzomFiQDSiYWJANaJhYkA2omFiQDeiYWJAOKJhYkA5omFiQDqiYWJAO6JhYkA8omFiQD2iYWJAPqJhYkA/omFiQMxAomFiQMxBomFiQMxComFiQMxDomFiQMxEomFiQMxFomFiQMxGomFiQMxHomFiQMxIomFiQMxJomFiQMxKomFiQMxLomFiQMxMomFiQMxNomFiQMxOomFiQMxPomFi',
    'base64',
  ),
  fresh: Buffer.from(
    'c1636d017601428dd9661ec00000428dd9661ec00000428dd9661ec000000000000500000000de0002a2696401a46e616d65a46b657074',
    'hex',
  ),
}
const OLD_VALUES = {
  book: BOOK,
  rich: { at: new Date(Date.UTC(2024, 1, 29)), by: new Map([['EUR', 1]]), big: 12n, none: undefined, zero: -0 },
  rows: Array.from({ length: 80 }, (_, i) => ({ id: i, name: 'ab' })),
  fresh: { id: 1, name: 'kept' },
}

describe('values stored before the JSON mode still read', () => {
  test('through the format: the same values, the same forms', () => {
    const format = resolveCodec<unknown>(undefined, 'old')
    for (const name of ['book', 'rich', 'rows'] as const) {
      expect(format.hit(OLD[name])).toStrictEqual(OLD_VALUES[name])
      const frame = format.read(OLD[name])
      if (frame.kind !== 'value') throw new Error(`${name}: ${frame.kind}`)
      expect(format.decode(frame)).toStrictEqual(OLD_VALUES[name])
    }
    expect(Object.is((format.hit(OLD.rich) as { zero: number }).zero, -0)).toBe(true)
    const fresh = format.read(OLD.fresh)
    if (fresh.kind !== 'value') throw new Error(fresh.kind)
    expect(fresh.fresh).toMatchObject({ freshUntil: 4102444800000, deltaMs: 5 })
    expect(format.decode(fresh)).toEqual(OLD_VALUES.fresh)
  })

  describe('written raw to a real Redis', () => {
    let client: Client
    let redis: InstanceType<typeof Redis>
    const ops: string[] = []
    beforeAll(() => {
      const { url } = inject('redis').standalone
      client = createClient({
        redis: url,
        prefix: `codec-old-${randomUUID()}`,
        logger: { log: (_store, key, op) => ops.push(`${op} ${key}`) },
      })
      redis = new Redis(url)
    })
    afterAll(async () => {
      await client.close()
      redis.disconnect()
    })

    test('get and getMany return them as hits, without a fetch', async () => {
      const fetched: string[] = []
      const store = cached(
        'old:<<name>>',
        ({ name }: { name: string }) => {
          fetched.push(name)
          return 'refetched'
        },
        { client, ttl: '1h' },
      )
      const names = ['book', 'rich', 'rows'] as const
      for (const name of names) await redis.set(store.key({ name }), OLD[name], 'EX', 3600)
      expect(await store.get({ name: 'book' })).toStrictEqual(BOOK)
      expect(await store.getMany(names.map((name) => ({ name })))).toStrictEqual(names.map((name) => OLD_VALUES[name]))
      expect(fetched).toEqual([])
      expect(ops.filter((o) => o.includes(' old:'))).toEqual(['HIT old:book:v1', 'HIT old:book:v1', 'HIT old:rich:v1', 'HIT old:rows:v1'])
    })

    test('a frame with freshness metadata is read by a store with staleWhileRevalidate', async () => {
      const store = cached('old-fresh:<<id>>', (_: { id: number }) => ({ id: 0, name: 'refetched' }), {
        client,
        ttl: '1h',
        staleWhileRevalidate: '1m',
      })
      await redis.set(store.key({ id: 1 }), OLD.fresh, 'EX', 3600)
      expect(await store.get({ id: 1 })).toEqual(OLD_VALUES.fresh)
      expect(ops.filter((o) => o.includes(' old-fresh:'))).toEqual(['HIT old-fresh:1:v1'])
    })

    test('a JSON-mode frame whose text is not JSON is a miss: fetched, overwritten, logged ERROR', async () => {
      const store = cached('bad-json:<<id>>', ({ id }: { id: number }) => ({ id, name: 'fetched' }), { client, ttl: '1h' })
      const key = store.key({ id: 1 })
      await redis.set(key, Buffer.concat([Buffer.from('c1636d017600c104', 'hex'), Buffer.from('{"id":1,')]), 'EX', 3600)
      expect(await store.get({ id: 1 })).toEqual({ id: 1, name: 'fetched' })
      expect(ops.filter((o) => o.includes(' bad-json:'))).toEqual(['ERROR bad-json:1:v1', 'FETCH bad-json:1:v1'])
      const stored = await redis.getBuffer(key)
      expect(stored!.subarray(0, 8).toString('hex')).toBe('c1636d017600c104')
      expect(JSON.parse(stored!.subarray(8).toString('utf8'))).toEqual({ id: 1, name: 'fetched' })
    })
  })
})

describe('the json codec and custom codecs', () => {
  test("codec: 'json' writes plain JSON (undefined as null) inside the JSON envelope", () => {
    expect(
      resolveCodec('json', 's')
        .write({ id: '1', tags: ['a'] })
        .toString(),
    ).toBe('{"cacheme":1,"value":{"id":"1","tags":["a"]}}')
    expect(resolveCodec('json', 's').write(undefined).toString()).toBe('{"cacheme":1,"value":null}')
    expect(jsonCodec.encode(undefined)).toBe('null')
  })

  test('a custom codec gets exactly its own bytes back, as a Buffer of their own', () => {
    const seen: Buffer[] = []
    const custom = {
      encode: (v: string) => `<${v}>`,
      decode: (b: Buffer) => {
        seen.push(b)
        return b.toString().slice(1, -1)
      },
    }
    const format = resolveCodec(custom, 's')
    const frame = format.read(format.write('x'))
    if (frame.kind !== 'value') throw new Error('expected a value frame')
    expect(format.decode(frame)).toBe('x')
    expect(seen[0]!.toString()).toBe('<x>')
  })

  test('an unknown codec option is refused, naming the store and the value', () => {
    expect(() => resolveCodec('yaml' as never, 'books')).toThrow(/store 'books' has codec "yaml"/)
  })
})

describe('the hit path (ValueFormat.hit)', () => {
  test('values that are views of one reply chunk decode in place, each as itself, chunk after chunk', () => {
    const format = resolveCodec<unknown>(undefined, 'hits')
    const values = [
      { id: 1, at: new Date(5) },
      'two',
      [3, new Map([[1, 2]])],
      { id: 4, tags: new Set(['a']) },
      { id: 5, name: 'json', ok: true },
    ]
    for (let round = 0; round < 2; round++) {
      // As ioredis hands them over: subarrays of the socket's read, between RESP framing bytes.
      const framed = values.map((v) => format.write(v))
      const chunk = Buffer.concat(framed.flatMap((f) => [Buffer.from(`$${f.length}\r\n`), f, Buffer.from('\r\n')]))
      let at = 0
      const views = framed.map((f) => {
        at += `$${f.length}\r\n`.length
        const view = chunk.subarray(at, at + f.length)
        at += f.length + 2
        return view
      })
      expect(views.map((v) => format.hit(v))).toEqual(values)
    }
  })

  test('bytes that are not a decodable value frame are NOT_A_VALUE, never a throw', () => {
    for (const codec of [undefined, 'json' as const]) {
      const format = resolveCodec<unknown>(codec, 'hits')
      expect(format.hit(Buffer.from('plain text'))).toBe(NOT_A_VALUE)
      expect(format.hit(Buffer.from([0xc1, 0x63, 0x6d, 0x01, 0x76, 0x01, 0x90]))).toBe(NOT_A_VALUE) // flags set
      expect(format.hit(format.write(7))).toBe(7)
    }
    const msgpack = resolveCodec<unknown>(undefined, 'hits')
    expect(msgpack.hit(Buffer.from([0xc1, 0x63, 0x6d, 0x01, 0x76, 0x00, 0xc1, 0x07]))).toBe(NOT_A_VALUE) // mode 7: undecodable
    expect(msgpack.hit(Buffer.from([0xc1, 0x63, 0x6d, 0x01, 0x76, 0x00, 0xc1, 0x04, 0x7b]))).toBe(NOT_A_VALUE) // JSON mode, not JSON
  })
})
