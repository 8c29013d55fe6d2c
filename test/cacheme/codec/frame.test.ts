import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { Packr } from 'msgpackr'
import { frameJson, frameMarker, frameValue, readFrame, readJsonFrame, withFreshness } from '../../../packages/cacheme/src/codec/frame.js'
import { mulberry32 } from '../conformance/random-params.js'

const TOKEN = 'ab'.repeat(16)

describe('the binary frame', () => {
  test('a value is 6 header bytes and the payload, read back as a range of the same bytes', () => {
    const framed = frameValue(Buffer.from('payload'))
    expect([...framed.subarray(0, 6)]).toEqual([0xc1, 0x63, 0x6d, 1, 0x76, 0])
    const frame = readFrame(framed)
    expect(frame).toMatchObject({ kind: 'value', start: 6, end: framed.length })
    if (frame.kind === 'value') expect(frame.bytes.toString('utf8', frame.start, frame.end)).toBe('payload')
    expect(readFrame(frameValue('text payload'))).toMatchObject({ kind: 'value' })
  })

  test('10,000 random byte strings are all foreign', () => {
    const random = mulberry32(4711)
    for (let i = 0; i < 10_000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 48) }, () => Math.floor(random() * 256)))
      expect(readFrame(bytes).kind).toBe('foreign')
      expect(readJsonFrame(bytes).kind).toBe('foreign')
    }
  })

  test("another program's values and cacheme 0.1's values are foreign", () => {
    const packr = new Packr({ moreTypes: true, useRecords: true, mapsAsObjects: false })
    for (const bytes of [
      Buffer.from('{"id":1}'),
      Buffer.from('plain text'),
      packr.pack({ id: 1 }),
      Buffer.from([0x92, 1, 2]),
      Buffer.alloc(0),
      Buffer.concat([Buffer.from('\x00\xffcacheme-lock:', 'latin1'), Buffer.from(TOKEN)]),
    ]) {
      expect(readFrame(bytes).kind).toBe('foreign')
      expect(readJsonFrame(bytes).kind).toBe('foreign')
    }
  })

  test('a marker is a marker only when exactly framed: header, then 32 lowercase hex characters', () => {
    const marker = frameMarker(TOKEN)
    expect(readFrame(marker)).toMatchObject({ kind: 'marker', token: TOKEN, previous: null })
    expect(readJsonFrame(marker)).toMatchObject({ kind: 'marker', token: TOKEN })
    expect(readFrame(marker.subarray(0, marker.length - 1)).kind).toBe('foreign')
    expect(readFrame(frameMarker('AB'.repeat(16))).kind).toBe('foreign')
    expect(readFrame(Buffer.concat([Buffer.from([0xc1, 0x63, 0x6d, 2, 0x6c]), Buffer.from(TOKEN)])).kind).toBe('foreign')
  })

  test("a refresh's marker carries the value it replaced, with that value's expiry", () => {
    const expiry = Buffer.alloc(8)
    expiry.writeDoubleBE(1_900_000_000_000)
    const kept = frameValue('old')
    const frame = readFrame(Buffer.concat([frameMarker(TOKEN), expiry, kept]))
    expect(frame).toMatchObject({ kind: 'marker', token: TOKEN, previousExpiresAt: 1_900_000_000_000 })
    if (frame.kind === 'marker') expect(frame.previous).toEqual(kept)
  })

  test('frames cut at any length, or with flags of a later format, are foreign (never throw)', () => {
    const framed = frameValue(randomBytes(20))
    for (let cut = 0; cut < 6; cut++) expect(readFrame(framed.subarray(0, cut)).kind).toBe('foreign')
    for (const flags of [2, 3, 0x80, 0xff]) {
      const later = Buffer.from(framed)
      later[5] = flags
      expect(readFrame(later).kind).toBe('foreign')
    }
    // Flag 1 (freshness metadata) with its metadata cut short.
    const withMeta = withFreshness(framed, META)
    for (let cut = 6; cut < 38; cut++) expect(readFrame(withMeta.subarray(0, cut)).kind).toBe('foreign')
  })
})

const META = { freshUntil: 1_900_000_000_000, staleUntil: 1_900_000_010_000, errorUntil: 1_900_000_060_000, deltaMs: 42, beta: 1.5 }

describe('freshness metadata (flags byte 1)', () => {
  test('follows the flags byte: three doubles, δ and β, then the payload, read back with the value', () => {
    const framed = withFreshness(frameValue('payload'), META)
    expect([...framed.subarray(0, 6)]).toEqual([0xc1, 0x63, 0x6d, 1, 0x76, 1])
    expect(framed.length).toBe(6 + 32 + 'payload'.length)
    const frame = readFrame(framed)
    expect(frame).toMatchObject({ kind: 'value', start: 38, fresh: META })
    if (frame.kind === 'value') expect(frame.bytes.toString('utf8', frame.start, frame.end)).toBe('payload')
  })

  test('a frame with flags 0 reads as before: no metadata (fresh until the Redis TTL)', () => {
    const frame = readFrame(frameValue('payload'))
    expect(frame.kind).toBe('value')
    if (frame.kind === 'value') expect(frame.fresh).toBeUndefined()
  })

  test('stamping a stamped frame replaces its metadata; -1 (never stale) round-trips', () => {
    const never = { ...META, freshUntil: -1, staleUntil: -1, errorUntil: -1 }
    const twice = withFreshness(withFreshness(frameValue('p'), META), never)
    expect(twice.length).toBe(6 + 32 + 1)
    expect(readFrame(twice)).toMatchObject({ kind: 'value', fresh: never })
  })

  test('non-finite or negative δ/β metadata is foreign', () => {
    for (const bad of [
      { ...META, freshUntil: NaN },
      { ...META, beta: -1 },
      { ...META, staleUntil: Infinity },
    ]) {
      expect(readFrame(withFreshness(frameValue('p'), bad)).kind).toBe('foreign')
    }
  })

  test('the JSON frame carries it as a "fresh" array other programs skip', () => {
    const framed = withFreshness(frameJson('{"id":"1"}'), META)
    expect(framed.toString()).toBe('{"cacheme":1,"fresh":[1900000000000,1900000010000,1900000060000,42,1.5],"value":{"id":"1"}}')
    expect(JSON.parse(framed.toString()).value).toEqual({ id: '1' })
    const frame = readJsonFrame(framed)
    expect(frame).toMatchObject({ kind: 'value', fresh: META })
    if (frame.kind === 'value') expect(frame.bytes.toString('utf8', frame.start, frame.end)).toBe('{"id":"1"}')
    expect(readJsonFrame(withFreshness(framed, { ...META, deltaMs: 7 }))).toMatchObject({ fresh: { deltaMs: 7 } })
    for (const text of [
      '{"cacheme":1,"fresh":[1,2,3,4],"value":1}',
      '{"cacheme":1,"fresh":[1,2,3,4,x],"value":1}',
      '{"cacheme":1,"fresh":[1,2,3,4,5]}',
    ]) {
      expect(readJsonFrame(Buffer.from(text)).kind).toBe('foreign')
    }
  })
})

describe('the JSON frame', () => {
  test('is one JSON object other programs read with JSON.parse(text).value', () => {
    const framed = frameJson('{"id":"1"}')
    expect(framed.toString()).toBe('{"cacheme":1,"value":{"id":"1"}}')
    expect(JSON.parse(framed.toString()).value).toEqual({ id: '1' })
    const frame = readJsonFrame(framed)
    expect(frame.kind).toBe('value')
    if (frame.kind === 'value') expect(frame.bytes.toString('utf8', frame.start, frame.end)).toBe('{"id":"1"}')
  })

  test('plain JSON, another envelope or a cut envelope is foreign', () => {
    for (const text of ['{"id":"1"}', '{"cacheme":2,"value":1}', '{"cacheme":1,"value":', '{"cacheme":1,"value":1']) {
      expect(readJsonFrame(Buffer.from(text)).kind).toBe('foreign')
    }
  })
})
