/**
 * Every value cacheme writes is framed, so that what it reads back can be told apart from
 * anything else under the key: another program's value, random bytes, an old format, a value
 * that merely looks like a lock marker. Whatever is not exactly a frame is *foreign*: a miss
 * (fetched, overwritten, logged ERROR), never returned and never waited on.
 *
 * Binary frame (the default codec and custom codecs):
 *
 *   byte 0     0xC1   a byte msgpack never uses and UTF-8 forbids: no msgpack value, UTF-8 or
 *                     JSON text starts with it
 *   bytes 1-2  'cm'
 *   byte 3     format version (1)
 *   byte 4     kind: 'v' a value, 'l' a lock marker
 *   value:  byte 5 flags: 0, or FLAG_FRESHNESS (1) when freshness metadata follows (the store
 *           has staleWhileRevalidate, staleIfError or earlyRefresh: herd/freshness.ts): fresh-until,
 *           stale-until (end of the staleWhileRevalidate window), error-until (end of the
 *           staleIfError window), each ms since the epoch as a big-endian double (-1: never
 *           stale), then the measured fetch time δ (ms, uint32) and the early-refresh β (float32,
 *           0: none); then the codec's bytes. A frame with flags 0 has no metadata: fresh until
 *           its Redis TTL. Other flags belong to a later format: foreign. What the codec's
 *           bytes are is the codec's own: the default codec's forms (msgpack, msgpack with
 *           records or a Map table, JSON text) are told apart by its payload's first bytes and
 *           versioned there (codec/msgpack.ts), so adding its JSON form changed no frame.
 *   marker: bytes 5-36 the holder's token (32 hex characters), then optionally the value the key
 *           held before (a refresh keeps serving it while it fetches, and restores it if the
 *           fetch fails): its expiry (ms since the epoch as a big-endian double, -1: none) and
 *           its bytes
 *
 * JSON frame (`codec: 'json'`, readable by any program): the text `{"cacheme":1,"value":…}`,
 * one JSON object whose `value` is the stored value; with freshness metadata
 * `{"cacheme":1,"fresh":[freshUntil,staleUntil,errorUntil,delta,beta],"value":…}`. Another program reads it with
 * `JSON.parse(text).value`; a plain JSON value written by another program is foreign.
 */

const MAGIC_0 = 0xc1
const MAGIC_1 = 0x63 // 'c'
const MAGIC_2 = 0x6d // 'm'
const VERSION = 1
const KIND_VALUE = 0x76 // 'v'
const KIND_MARKER = 0x6c // 'l'
const VALUE_HEADER = 6
/** Where a binary value frame's payload starts. */
export const VALUE_PAYLOAD_START = VALUE_HEADER
const FLAG_FRESHNESS = 1
/** Freshness metadata: three doubles, a uint32 and a float32. */
const FRESHNESS_BYTES = 8 * 3 + 4 + 4
/** Characters in a holder's token (hex), in markers and notices alike. */
export const TOKEN_LENGTH = 32
/** A marker's fixed part: header + token. What follows it (a previous value) does not change whose lock it is. */
export const MARKER_HEAD_LENGTH = 5 + TOKEN_LENGTH

const VALUE_PREFIX = Buffer.from([MAGIC_0, MAGIC_1, MAGIC_2, VERSION, KIND_VALUE, 0])
const MARKER_PREFIX = Buffer.from([MAGIC_0, MAGIC_1, MAGIC_2, VERSION, KIND_MARKER])
const JSON_PREFIX = '{"cacheme":1,"value":'
const JSON_PREFIX_BYTES = Buffer.from(JSON_PREFIX, 'latin1')
const JSON_FRESH_PREFIX = '{"cacheme":1,"fresh":['
const JSON_FRESH_PREFIX_BYTES = Buffer.from(JSON_FRESH_PREFIX, 'latin1')
const JSON_FRESH_END = Buffer.from('],"value":', 'latin1')

/** What stored bytes are. */
export type Frame =
  ValueFrame | { kind: 'marker'; token: string; head: Buffer; previous: Buffer | null; previousExpiresAt: number } | { kind: 'foreign' }

/** A value's payload, as a range of the stored bytes (read in place: a subarray per hit costs more than decoding a small value). */
export interface ValueFrame {
  kind: 'value'
  bytes: Buffer
  start: number
  end: number
  /** Absent: fresh until the Redis TTL ends (a frame without metadata). */
  fresh?: FreshnessMeta
}

/**
 * When a value stops being fresh, as its writer saw it (ms since the epoch on the writer's
 * clock; -1: never), how long its fetch took and how eagerly it is refreshed early.
 */
export interface FreshnessMeta {
  /** Until then: fresh (a HIT; perhaps refreshed early). */
  freshUntil: number
  /** Until then (after freshUntil): served at once (STALE) while one process refreshes it. */
  staleUntil: number
  /** Until then (after freshUntil): returned in place of a failed or timed-out fetch. */
  errorUntil: number
  /** The fetch time δ of this value, in ms. */
  deltaMs: number
  /** XFetch's β; 0: no early refresh. */
  beta: number
}

const FOREIGN: Frame = { kind: 'foreign' }

/** The binary frame around a codec's bytes. */
export function frameValue(payload: string | Uint8Array): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload
  const out = Buffer.allocUnsafe(VALUE_HEADER + bytes.length)
  VALUE_PREFIX.copy(out, 0)
  out.set(bytes, VALUE_HEADER)
  return out
}

/**
 * The same frame with freshness metadata: `framed` is what frameValue() or frameJson() made
 * (a frame that carries metadata already gets the new one).
 */
export function withFreshness(framed: Buffer, meta: FreshnessMeta): Buffer {
  if (framed[0] === MAGIC_0) {
    const start = framed[5] === FLAG_FRESHNESS ? VALUE_HEADER + FRESHNESS_BYTES : VALUE_HEADER
    const out = Buffer.allocUnsafe(VALUE_HEADER + FRESHNESS_BYTES + framed.length - start)
    VALUE_PREFIX.copy(out, 0)
    out[5] = FLAG_FRESHNESS
    out.writeDoubleBE(meta.freshUntil, 6)
    out.writeDoubleBE(meta.staleUntil, 14)
    out.writeDoubleBE(meta.errorUntil, 22)
    out.writeUInt32BE(Math.min(0xffffffff, Math.max(0, Math.round(meta.deltaMs))), 30)
    out.writeFloatBE(meta.beta, 34)
    framed.copy(out, VALUE_HEADER + FRESHNESS_BYTES, start)
    return out
  }
  const frame = readJsonFrame(framed)
  if (frame.kind !== 'value') throw new Error('cacheme: withFreshness() takes a value frame')
  const fields = [meta.freshUntil, meta.staleUntil, meta.errorUntil, Math.max(0, Math.round(meta.deltaMs)), meta.beta]
  return Buffer.concat([Buffer.from(`${JSON_FRESH_PREFIX}${fields.join(',')}],"value":`, 'latin1'), framed.subarray(frame.start)])
}

/** The JSON frame around JSON text. */
export function frameJson(json: string): Buffer {
  return Buffer.from(`${JSON_PREFIX}${json}}`, 'utf8')
}

/** A lock marker of the holder `token` (32 hex characters). */
export function frameMarker(token: string): Buffer {
  return Buffer.concat([MARKER_PREFIX, Buffer.from(token, 'latin1')])
}

/** The marker head prefix, for scripts that keep a previous value only when it is not a marker. */
export const MARKER_MAGIC = MARKER_PREFIX

/**
 * What `bytes` are, as written by a binary-framed codec. Never throws: anything that is not
 * exactly a frame is foreign.
 */
export function readFrame(bytes: Buffer): Frame {
  if (bytes.length < 5 || bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1 || bytes[2] !== MAGIC_2 || bytes[3] !== VERSION) {
    return FOREIGN
  }
  if (bytes[4] === KIND_VALUE) {
    if (bytes.length < VALUE_HEADER) return FOREIGN
    if (bytes[5] === 0) return { kind: 'value', bytes, start: VALUE_HEADER, end: bytes.length }
    // Other flags belong to a later format this version can't read: foreign, so it is replaced.
    if (bytes[5] !== FLAG_FRESHNESS || bytes.length < VALUE_HEADER + FRESHNESS_BYTES) return FOREIGN
    const fresh: FreshnessMeta = {
      freshUntil: bytes.readDoubleBE(6),
      staleUntil: bytes.readDoubleBE(14),
      errorUntil: bytes.readDoubleBE(22),
      deltaMs: bytes.readUInt32BE(30),
      beta: bytes.readFloatBE(34),
    }
    if (!validMeta(fresh)) return FOREIGN
    return { kind: 'value', bytes, start: VALUE_HEADER + FRESHNESS_BYTES, end: bytes.length, fresh }
  }
  return readMarker(bytes)
}

/** Whether `bytes` are a binary value frame (`readFrame` would say 'value'), without building the frame: the hit path. */
export function isValueFrame(bytes: Buffer): boolean {
  return (
    bytes.length >= VALUE_HEADER &&
    bytes[0] === MAGIC_0 &&
    bytes[1] === MAGIC_1 &&
    bytes[2] === MAGIC_2 &&
    bytes[3] === VERSION &&
    bytes[4] === KIND_VALUE &&
    bytes[5] === 0
  )
}

/** What `bytes` are, as written by the JSON-framed codec (markers are binary in every store). */
export function readJsonFrame(bytes: Buffer): Frame {
  if (
    bytes.length > JSON_PREFIX_BYTES.length &&
    bytes[bytes.length - 1] === 0x7d /* } */ &&
    bytes.compare(JSON_PREFIX_BYTES, 0, JSON_PREFIX_BYTES.length, 0, JSON_PREFIX_BYTES.length) === 0
  ) {
    return { kind: 'value', bytes, start: JSON_PREFIX_BYTES.length, end: bytes.length - 1 }
  }
  if (
    bytes.length > JSON_FRESH_PREFIX_BYTES.length &&
    bytes[bytes.length - 1] === 0x7d /* } */ &&
    bytes.compare(JSON_FRESH_PREFIX_BYTES, 0, JSON_FRESH_PREFIX_BYTES.length, 0, JSON_FRESH_PREFIX_BYTES.length) === 0
  ) {
    const close = bytes.indexOf(JSON_FRESH_END, JSON_FRESH_PREFIX_BYTES.length)
    if (close < 0) return FOREIGN
    const fields = bytes.toString('latin1', JSON_FRESH_PREFIX_BYTES.length, close).split(',').map(Number)
    if (fields.length !== 5) return FOREIGN
    const [freshUntil, staleUntil, errorUntil, deltaMs, beta] = fields as [number, number, number, number, number]
    const fresh: FreshnessMeta = { freshUntil, staleUntil, errorUntil, deltaMs, beta }
    if (!validMeta(fresh)) return FOREIGN
    return { kind: 'value', bytes, start: close + JSON_FRESH_END.length, end: bytes.length - 1, fresh }
  }
  return bytes[0] === MAGIC_0 ? readMarker(bytes) : FOREIGN
}

/** Metadata any writer of this format could have written: finite numbers, windows not before freshness. */
function validMeta(m: FreshnessMeta): boolean {
  return (
    Number.isFinite(m.freshUntil) &&
    Number.isFinite(m.staleUntil) &&
    Number.isFinite(m.errorUntil) &&
    Number.isFinite(m.deltaMs) &&
    m.deltaMs >= 0 &&
    Number.isFinite(m.beta) &&
    m.beta >= 0
  )
}

function readMarker(bytes: Buffer): Frame {
  if (
    bytes.length < MARKER_HEAD_LENGTH ||
    bytes[0] !== MAGIC_0 ||
    bytes[1] !== MAGIC_1 ||
    bytes[2] !== MAGIC_2 ||
    bytes[3] !== VERSION ||
    bytes[4] !== KIND_MARKER
  ) {
    return FOREIGN
  }
  const token = bytes.toString('latin1', 5, MARKER_HEAD_LENGTH)
  if (!/^[0-9a-f]{32}$/.test(token)) return FOREIGN
  const kept = bytes.length > MARKER_HEAD_LENGTH + 8
  return {
    kind: 'marker',
    token,
    head: bytes.subarray(0, MARKER_HEAD_LENGTH),
    previous: kept ? bytes.subarray(MARKER_HEAD_LENGTH + 8) : null,
    previousExpiresAt: kept ? bytes.readDoubleBE(MARKER_HEAD_LENGTH) : -1,
  }
}
