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
 *   value:  byte 5 flags (0 today; bits are reserved for metadata such as stored-at and
 *           fresh-until, which will follow the flags byte when set), then the codec's bytes
 *   marker: bytes 5-36 the holder's token (32 hex characters), then optionally the value the key
 *           held before (a refresh keeps serving it while it fetches, and restores it if the
 *           fetch fails): its expiry (ms since the epoch as a big-endian double, -1: none) and
 *           its bytes
 *
 * JSON frame (`codec: 'json'`, readable by any program): the text `{"cacheme":1,"value":…}`,
 * one JSON object whose `value` is the stored value. Another program reads it with
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
/** Characters in a holder's token (hex), in markers and notices alike. */
export const TOKEN_LENGTH = 32
/** A marker's fixed part: header + token. What follows it (a previous value) does not change whose lock it is. */
export const MARKER_HEAD_LENGTH = 5 + TOKEN_LENGTH

const VALUE_PREFIX = Buffer.from([MAGIC_0, MAGIC_1, MAGIC_2, VERSION, KIND_VALUE, 0])
const MARKER_PREFIX = Buffer.from([MAGIC_0, MAGIC_1, MAGIC_2, VERSION, KIND_MARKER])
const JSON_PREFIX = '{"cacheme":1,"value":'
const JSON_PREFIX_BYTES = Buffer.from(JSON_PREFIX, 'latin1')

/** What stored bytes are. */
export type Frame =
  | ValueFrame
  | { kind: 'marker'; token: string; head: Buffer; previous: Buffer | null; previousExpiresAt: number }
  | { kind: 'foreign' }

/** A value's payload, as a range of the stored bytes (read in place: a subarray per hit costs more than decoding a small value). */
export interface ValueFrame {
  kind: 'value'
  bytes: Buffer
  start: number
  end: number
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
    // Flags other than 0 belong to a later format this version can't read: foreign, so it is replaced.
    if (bytes.length < VALUE_HEADER || bytes[5] !== 0) return FOREIGN
    return { kind: 'value', bytes, start: VALUE_HEADER, end: bytes.length }
  }
  return readMarker(bytes)
}

/** Whether `bytes` are a binary value frame (`readFrame` would say 'value'), without building the frame: the hit path. */
export function isValueFrame(bytes: Buffer): boolean {
  return bytes.length >= VALUE_HEADER && bytes[0] === MAGIC_0 && bytes[1] === MAGIC_1 && bytes[2] === MAGIC_2
    && bytes[3] === VERSION && bytes[4] === KIND_VALUE && bytes[5] === 0
}

/** What `bytes` are, as written by the JSON-framed codec (markers are binary in every store). */
export function readJsonFrame(bytes: Buffer): Frame {
  if (bytes.length > JSON_PREFIX_BYTES.length && bytes[bytes.length - 1] === 0x7d /* } */
    && bytes.compare(JSON_PREFIX_BYTES, 0, JSON_PREFIX_BYTES.length, 0, JSON_PREFIX_BYTES.length) === 0) {
    return { kind: 'value', bytes, start: JSON_PREFIX_BYTES.length, end: bytes.length - 1 }
  }
  return bytes[0] === MAGIC_0 ? readMarker(bytes) : FOREIGN
}

function readMarker(bytes: Buffer): Frame {
  if (bytes.length < MARKER_HEAD_LENGTH || bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1 || bytes[2] !== MAGIC_2
    || bytes[3] !== VERSION || bytes[4] !== KIND_MARKER) {
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
