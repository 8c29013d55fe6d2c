import { describe, expect, it } from 'vitest'
import { cached, configure, createClient, DurationError, TemplateError, type Client } from 'cacheme'
import { clientPerTest, type BackendUnderTest } from './backend-under-test.js'

// The API is called here with values its types forbid, as untyped callers would.
const anyCached = cached as (template: unknown, fetcher: unknown, ttlOrOptions?: unknown) => any
const fetchAny = () => 1

export function validationConformance(backend: BackendUnderTest): void {
  describe('invalid input fails with an error naming the bad value', () => {
    let client: Client
    clientPerTest(backend, (c) => {
      client = c
    })

    it.each([
      ['comment:<<id', /unclosed '<<' at offset 8/],
      ['comment:<<>>', /empty placeholder '<<>>'/],
      ['comment:<<1id>>', /'<<1id>>'.*not a JavaScript identifier/],
      ['comment:<<id-x>>', /'<<id-x>>'.*not a JavaScript identifier/],
      ['a:<<id>>:b:<<id>>', /repeats placeholder '<<id>>'/],
      ['comment:id>>', /'>>' at offset 10 without a matching '<<'/],
      ['', /template is empty/],
    ])('template %j', (template, message) => {
      const error = catchError(() => anyCached(template, fetchAny, { client }))
      expect(error).toBeInstanceOf(TemplateError)
      expect(error.message).toMatch(message)
      if (template) expect(error.message).toContain(template)
    })

    it.each([
      [42, 'number 42'],
      [null, 'null'],
      [undefined, 'undefined'],
    ])('template %j (not a string)', (template, named) => {
      const error = catchError(() => anyCached(template, fetchAny))
      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toContain(named)
    })

    it.each([
      ['5x', '"5x"'],
      ['m5', '"m5"'],
      ['', '""'],
      ['-5s', '"-5s"'],
      [-1, 'number -1'],
      [Number.NaN, 'number NaN'],
      [Number.POSITIVE_INFINITY, 'number Infinity'],
      [true, 'boolean true'],
      [[1], 'array of length 1'],
    ])('TTL %j', (ttl, named) => {
      const error = catchError(() => anyCached('t:<<id>>', fetchAny, { ttl, client }))
      expect(error).toBeInstanceOf(DurationError)
      expect(error.message).toContain(named)
      expect(error.message).toMatch(/ttl/)
    })

    it('a TTL of the wrong type as the third argument', () => {
      const error = catchError(() => anyCached('t:<<id>>', fetchAny, true))
      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toContain('boolean true')
    })

    it.each([
      [{ ttl: '1m', colour: 'red' }, "unknown option 'colour'"],
      [{ version: '' }, 'version of'],
      [{ version: Number.NaN }, 'number NaN'],
      [{ version: { v: 1 } }, 'object'],
      [{ name: '' }, 'name of'],
      [{ name: 42 }, 'number 42'],
      [{ singleflight: 'yes' }, '"yes"'],
      [{ codec: 'yaml' }, '"yaml"'],
      [{ codec: { encode: () => '' } }, "expected 'msgpack', 'json' or { encode(value), decode(bytes) }"],
      [{ client: {} }, 'client of'],
      [{ lock: 'on' }, '"on"'],
      [{ lock: { ttl: 'soon' } }, '"soon"'],
      [{ lock: { ttl: 1, retries: 3 } }, "unknown lock option 'retries'"],
    ])('store options %j', (options, named) => {
      const error = catchError(() => anyCached('t:<<id>>', fetchAny, options))
      expect(error instanceof TypeError || error instanceof DurationError).toBe(true)
      expect(error.message).toContain(named)
    })

    it('a version function returning a bad version fails the call that builds the key', async () => {
      const store = anyCached('t:<<id>>', fetchAny, { client, version: () => ({}) })
      expect(() => store.key({ id: 1 })).toThrow(/version of 't:<<id>>'.*object/)
      await expect(store.get({ id: 1 })).rejects.toThrow(/version of 't:<<id>>'.*object/)
    })

    it.each([
      ['not a function', 'fetcher of', '"not a function"'],
      [null, 'fetcher of', 'null'],
    ])('fetcher %j', (fetcher, what, named) => {
      const error = catchError(() => anyCached('t:<<id>>', fetcher))
      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toContain(what)
      expect(error.message).toContain(named)
    })

    it('params: missing, of the wrong type, or not an object', async () => {
      const store = anyCached('category:<<categoryID>>:book:<<bookID>>', fetchAny, { client })
      const cases: [unknown, RegExp][] = [
        [{ categoryID: 1 }, /missing param 'bookID'.*"categoryID"/],
        [{ categoryID: 1, bookID: { id: 3 } }, /param 'bookID'.*string or a finite number, got object/],
        [{ categoryID: Number.NaN, bookID: 1 }, /param 'categoryID'.*got number NaN/],
        [{ categoryID: 1, bookID: Number.POSITIVE_INFINITY }, /param 'bookID'.*got number Infinity/],
        [{ categoryID: true, bookID: 1 }, /param 'categoryID'.*got boolean true/],
        [{ categoryID: 1, bookID: null }, /param 'bookID'.*got null/],
        [null, /params for .* must be an object.*got null/],
        ['3', /params for .* must be an object.*got "3"/],
      ]
      for (const [params, message] of cases) {
        expect(() => store.key(params)).toThrow(TypeError)
        expect(() => store.key(params)).toThrow(message)
        await expect(store.get(params)).rejects.toThrow(message)
        await expect(Promise.resolve().then(() => store.getMany([params]))).rejects.toThrow(message)
        await expect(Promise.resolve().then(() => store.refresh(params))).rejects.toThrow(message)
        await expect(Promise.resolve().then(() => store.set(params, 1))).rejects.toThrow(message)
        await expect(Promise.resolve().then(() => store.invalidate(params))).rejects.toThrow(message)
        expect(() => store.getP(client.pipeline(), params)).toThrow(message)
      }
    })

    it('getMany() of something other than an array', async () => {
      const store = anyCached('t:<<id>>', fetchAny, { client })
      await expect(Promise.resolve().then(() => store.getMany({ id: 1 }))).rejects.toThrow(
        /getMany\(\) takes an array of params, got object/,
      )
    })

    it('get() with a signal that is not an AbortSignal', async () => {
      const store = anyCached('t:<<id>>', fetchAny, { client })
      await expect(store.get({ id: 1 }, { signal: 'stop' })).rejects.toThrow(/signal .* must be an AbortSignal, got "stop"/)
    })

    it('getP() with something other than a pipeline, or a pipeline of another client', () => {
      const store = anyCached('t:<<id>>', fetchAny, { client })
      expect(() => store.getP({}, { id: 1 })).toThrow(/takes a pipeline .* got object/)
      const other = createClient()
      expect(() => store.getP(other.pipeline(), { id: 1 })).toThrow(/pipeline of another client \(memory/)
      void other.close()
    })

    it('invalidateAll() with a bad version', async () => {
      const store = anyCached('t:<<id>>', fetchAny, { client })
      await expect(Promise.resolve().then(() => store.invalidateAll({}))).rejects.toThrow(/version of 't:<<id>>'.*object/)
    })

    it.each([
      ['not an object', 'redis://x', /client options of createClient\(\) must be an object.*"redis:\/\/x"/],
      ['an unknown option', { redsi: 'redis://x' }, /unknown client option 'redsi'/],
      ['a prefix with a space', { prefix: 'my app' }, /prefix .*"my app"/],
      ['an empty prefix', { prefix: '' }, /prefix .*""/],
      ['a logger without log()', { logger: { info() {} } }, /logger must be an object with a log\(store, key, op, detail\) method/],
      ['both redis and cluster', { redis: 'redis://127.0.0.1:1', cluster: ['127.0.0.1:2'] }, /either 'redis' or 'cluster'/],
      [
        'a URL of another scheme',
        { redis: 'http://127.0.0.1:6379' },
        /redis URL must start with redis:\/\/ or rediss:\/\/, got "http:\/\/127.0.0.1:6379"/,
      ],
      [
        'a redis value of the wrong type',
        { redis: 6379 },
        /'redis' must be a URL, ioredis options or an ioredis instance, got number 6379/,
      ],
      ['an empty seed list', { cluster: [] }, /'cluster' must be a non-empty list/],
      ['a malformed seed', { cluster: ['127.0.0.1'] }, /cluster seed "127.0.0.1" is not 'host:port'/],
    ])('client options: %s', (_label, options, message) => {
      expect(() => createClient(options as never)).toThrow(TypeError)
      expect(() => createClient(options as never)).toThrow(message)
      expect(() => configure(options as never)).toThrow(message)
    })
  })
}

function catchError(run: () => unknown): Error {
  try {
    run()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error, but the call returned normally')
}
