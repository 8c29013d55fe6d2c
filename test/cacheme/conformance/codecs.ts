import { describe, expect, it } from 'vitest'
import { cached, type Client, type Codec } from 'cacheme'
import { clientPerTest, controlledFetcher, type BackendUnderTest, type RecordingLogger } from './backend-under-test.js'
import { rawGet, rawSet } from '../internals.js'

/** Everything the default codec promises beyond JSON, nested and at the top level. */
function richValue() {
  return {
    text: 'héllo 😀',
    int: 42,
    float: -0.5,
    bool: true,
    none: null,
    missing: undefined,
    list: [1, 'two', null, { three: 3 }],
    date: new Date('2024-02-29T12:34:56.789Z'),
    map: new Map<unknown, unknown>([
      ['a', 1],
      [2, 'b'],
      ['nested', new Map([['x', new Set([1])]])],
    ]),
    set: new Set(['x', 'y', 3]),
    big: 12345678901234567890123n,
    negativeBig: -(2n ** 70n),
    bytes: new Uint8Array([0, 1, 254, 255]),
    floats: new Float64Array([1.5, -2.25, Number.MAX_VALUE]),
    ints: new Int32Array([-1, 2 ** 31 - 1]),
    buffer: Buffer.from('raw bytes \u0000\u00ff'),
  }
}

export function codecConformance(backend: BackendUnderTest): void {
  describe('codecs', () => {
    let client: Client
    let logger: RecordingLogger
    clientPerTest(backend, (c, l) => {
      client = c
      logger = l
    })

    it('the default codec round-trips Date, Map, Set, BigInt, undefined, typed arrays and Buffer', async () => {
      const source = controlledFetcher((_: { id: string }) => richValue())
      const store = cached('rich:<<id>>', source.fetcher, { client })
      await store.get({ id: '1' })
      const hit = await store.get({ id: '1' }) // decoded from the stored bytes
      expect(source.calls).toHaveLength(1)
      expect(logger.ops()).toEqual(['MISS', 'FETCH', 'HIT'])
      const expected = richValue()
      expect(hit).toEqual(expected)
      expect('missing' in hit).toBe(true)
      expect(hit.date).toBeInstanceOf(Date)
      expect(hit.map).toBeInstanceOf(Map)
      expect(hit.map.get(2)).toBe('b')
      expect(hit.set).toBeInstanceOf(Set)
      expect(typeof hit.big).toBe('bigint')
      expect(hit.negativeBig).toBe(expected.negativeBig)
      expect(hit.bytes).toBeInstanceOf(Uint8Array)
      expect(hit.floats).toBeInstanceOf(Float64Array)
      expect(hit.ints).toBeInstanceOf(Int32Array)
      expect(Buffer.isBuffer(hit.buffer)).toBe(true)
      expect(hit.buffer.equals(expected.buffer)).toBe(true)
    })

    it("a decoded value is the caller's own: mutating its Buffer or typed array leaves the cache unchanged", async () => {
      const store = cached('own-bytes:<<id>>', (_: { id: string }) => ({ buffer: Buffer.from('abc'), bytes: new Uint8Array([1, 2, 3]) }), {
        client,
      })
      await store.get({ id: '1' })
      const first = await store.get({ id: '1' })
      first.buffer[0] = 0x78
      first.bytes[0] = 99
      const second = await store.get({ id: '1' })
      expect(second.buffer.toString()).toBe('abc')
      expect([...second.bytes]).toEqual([1, 2, 3])
    })

    it.each([
      ['a Date', new Date(0)],
      ['a Map', new Map([[1, 2]])],
      ['a Set', new Set([1])],
      ['a BigInt', 7n],
      ['undefined', undefined],
      ['a Buffer', Buffer.from([1, 2, 3])],
      ['a Uint8Array', new Uint8Array([9])],
      ['a string', 'plain'],
    ])('the default codec round-trips %s as the whole value', async (_label, value) => {
      const store = cached('top:<<id>>', () => value as unknown, { client })
      await store.set({ id: '1' }, value)
      expect(await store.get({ id: '1' })).toEqual(value)
    })

    it("codec: 'json' stores JSON text that other programs can read: { cacheme: 1, value }", async () => {
      const store = cached('json:<<id>>', ({ id }: { id: string }) => ({ id, tags: ['a', 'b'], score: 1.5, none: null }), {
        client,
        codec: 'json',
      })
      const value = await store.get({ id: '1' })
      const [bytes] = await rawGet(client, [store.key({ id: '1' })])
      expect(JSON.parse(bytes!.toString('utf8')).value).toEqual(value)
      expect(bytes!.toString('utf8')).toBe('{"cacheme":1,"value":{"id":"1","tags":["a","b"],"score":1.5,"none":null}}')
      expect(await store.get({ id: '1' })).toEqual(value)
      expect(logger.ops()).toEqual(['MISS', 'FETCH', 'HIT'])
    })

    it('a custom codec encodes what is stored and decodes what is read', async () => {
      const encoded: unknown[] = []
      const decoded: string[] = []
      const upper: Codec<string> = {
        encode: (value) => {
          encoded.push(value)
          return `<${value.toUpperCase()}>`
        },
        decode: (bytes) => {
          const text = bytes.toString('utf8')
          decoded.push(text)
          return text.slice(1, -1).toLowerCase()
        },
      }
      const store = cached('custom:<<id>>', ({ id }: { id: string }) => `value ${id}`, { client, codec: upper })
      expect(await store.get({ id: 'a' })).toBe('value a')
      const [bytes] = await rawGet(client, [store.key({ id: 'a' })])
      // The codec's bytes, behind the 6-byte frame header that marks them as cacheme's (docs: "Values").
      expect(bytes!.subarray(0, 6)).toEqual(Buffer.from([0xc1, 0x63, 0x6d, 1, 0x76, 0]))
      expect(bytes!.subarray(6).toString('utf8')).toBe('<VALUE A>')
      expect(await store.get({ id: 'a' })).toBe('value a')
      expect(encoded).toEqual(['value a'])
      expect(decoded).toEqual(['<VALUE A>'])
    })

    it('a custom codec may encode to bytes', async () => {
      const bytesCodec: Codec<number[]> = {
        encode: (value) => Uint8Array.from(value),
        decode: (bytes) => [...bytes],
      }
      const store = cached('bytes:<<id>>', () => [1, 2, 250], { client, codec: bytesCodec })
      await store.get({ id: '1' })
      expect([...(await rawGet(client, [store.key({ id: '1' })]))[0]!.subarray(6)]).toEqual([1, 2, 250])
      expect(await store.get({ id: '1' })).toEqual([1, 2, 250])
    })

    it('an undecodable stored value is fetched again, overwritten and logged as ERROR', async () => {
      const source = controlledFetcher(({ id }: { id: string }) => ({ id, fresh: true }))
      const store = cached('garbage:<<id>>', source.fetcher, { client, codec: 'json', ttl: '1h' })
      const key = store.key({ id: '1' })
      await rawSet(client, [key], 'this is {not json')
      expect(await store.get({ id: '1' })).toEqual({ id: '1', fresh: true })
      expect(source.calls).toHaveLength(1)
      expect(logger.ops(key.slice(client.prefix.length + 1))).toEqual(['ERROR', 'FETCH'])
      const [bytes] = await rawGet(client, [key])
      expect(JSON.parse(bytes!.toString('utf8')).value).toEqual({ id: '1', fresh: true })
      expect(await store.get({ id: '1' })).toEqual({ id: '1', fresh: true })
      expect(source.calls).toHaveLength(1)
    })

    it('undecodable values in getMany() and pipelines are refetched too', async () => {
      const source = controlledFetcher(({ id }: { id: string }) => `fresh ${id}`)
      const store = cached('garbage-many:<<id>>', source.fetcher, { client, codec: 'json' })
      const keys = ['1', '2', '3'].map((id) => store.key({ id }))
      await rawSet(client, keys, '{')
      expect(await store.getMany([{ id: '1' }, { id: '2' }])).toEqual(['fresh 1', 'fresh 2'])
      const pipeline = client.pipeline()
      const third = store.getP(pipeline, { id: '3' })
      await pipeline.execute()
      expect(await third).toBe('fresh 3')
      expect(logger.lines.filter((l) => l.op === 'ERROR')).toHaveLength(3)
      expect(source.calls).toHaveLength(3)
    })
  })
}
