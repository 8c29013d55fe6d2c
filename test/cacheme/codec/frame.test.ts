import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { Packr } from 'msgpackr'
import { frameJson, frameMarker, frameValue, readFrame, readJsonFrame } from '../../../packages/cacheme/src/codec/frame.js'
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
      Buffer.from('{"id":1}'), Buffer.from('plain text'), packr.pack({ id: 1 }), Buffer.from([0x92, 1, 2]), Buffer.alloc(0),
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
    const later = Buffer.from(framed)
    later[5] = 1
    expect(readFrame(later).kind).toBe('foreign')
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
