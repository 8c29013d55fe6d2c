import { describeValue } from '../describe.js'
import { frameJson, frameValue, isValueFrame, readFrame, readJsonFrame, VALUE_PAYLOAD_START, type Frame, type ValueFrame } from './frame.js'
import { decodeMsgpack, encodeMsgpack } from './msgpack.js'

/** Turns values into bytes for Redis and back. `decode` may throw: the value is then a miss. */
export interface Codec<T = unknown> {
  encode(value: T): string | Uint8Array
  decode(bytes: Buffer): T
}

/** `'json'` stores plain JSON text (in a JSON envelope, see the docs) so other programs can read the cache. */
export type CodecOption<T = unknown> = 'msgpack' | 'json' | Codec<T>

/**
 * The default: everything JSON does plus Date, Map, Set, BigInt, undefined, typed arrays,
 * Buffer, NaN, ±Infinity and -0. JSON text for the values JSON carries exactly and decodes
 * faster (records), else msgpack without per-value records (records only inside large values),
 * Maps listed in a table (msgpack.ts); its decode CPU against JSON.parse, per shape, is in
 * bench/results/codec.md.
 */
export const msgpackCodec: Codec = {
  encode: encodeMsgpack,
  decode: (bytes) => decodeMsgpack(bytes),
}

/** The same codec by its role. */
export const defaultCodec: Codec = msgpackCodec

export const jsonCodec: Codec = {
  // JSON has no undefined: it is stored as null.
  encode: (value) => JSON.stringify(value) ?? 'null',
  decode: (bytes) => JSON.parse(bytes.toString('utf8')),
}

/**
 * A codec with its frame: what a store writes (`write`), what stored bytes are (`read`), and
 * the value of a frame's payload (`decode`, which may throw: then the bytes are foreign too).
 */
export interface ValueFormat<T> {
  write(value: T): Buffer
  read(bytes: Buffer): Frame
  decode(frame: ValueFrame): T
  /**
   * The hit path: the value of `bytes` if they are a value frame that decodes, else NOT_A_VALUE
   * (then `read` tells what they are). Never throws; builds no frame for the default codec.
   */
  hit(bytes: Buffer): T | typeof NOT_A_VALUE
}

/** What `ValueFormat.hit` returns for bytes that are not a decodable value. */
export const NOT_A_VALUE: unique symbol = Symbol('cacheme: not a value')

function hitOf<T>(read: (bytes: Buffer) => Frame, decode: (frame: ValueFrame) => T): (bytes: Buffer) => T | typeof NOT_A_VALUE {
  return (bytes) => {
    const frame = read(bytes)
    // A value with freshness metadata must be judged first (herd/revalidate.ts): not a plain hit.
    if (frame.kind !== 'value' || frame.fresh !== undefined) return NOT_A_VALUE
    try {
      return decode(frame)
    } catch {
      return NOT_A_VALUE
    }
  }
}

const binaryFormat = <T>(codec: Codec<T>): ValueFormat<T> => {
  // A custom codec gets its bytes as a Buffer of their own.
  const decode = (frame: ValueFrame) => codec.decode(frame.bytes.subarray(frame.start, frame.end))
  return { write: (value) => frameValue(codec.encode(value)), read: readFrame, decode, hit: hitOf(readFrame, decode) }
}

// The built-in codecs read their payload in place.
const msgpackFormat: ValueFormat<unknown> = {
  write: (value) => frameValue(encodeMsgpack(value)),
  read: readFrame,
  decode: (frame) => decodeMsgpack(frame.bytes, frame.start, frame.end),
  hit: (bytes) => {
    if (!isValueFrame(bytes)) return NOT_A_VALUE
    try {
      return decodeMsgpack(bytes, VALUE_PAYLOAD_START, bytes.length)
    } catch {
      return NOT_A_VALUE
    }
  },
}

const decodeJson = (frame: ValueFrame): unknown => JSON.parse(frame.bytes.toString('utf8', frame.start, frame.end))
const jsonFormat: ValueFormat<unknown> = {
  write: (value) => frameJson(JSON.stringify(value) ?? 'null'),
  read: readJsonFrame,
  decode: decodeJson,
  hit: hitOf(readJsonFrame, decodeJson),
}

export function resolveCodec<T>(option: CodecOption<T> | undefined, storeName: string): ValueFormat<T> {
  if (option === undefined || option === 'msgpack' || option === msgpackCodec) return msgpackFormat as ValueFormat<T>
  if (option === 'json' || option === jsonCodec) return jsonFormat as ValueFormat<T>
  if (option !== null && typeof option === 'object' && typeof option.encode === 'function' && typeof option.decode === 'function') {
    return binaryFormat(option)
  }
  throw new TypeError(
    `cacheme: store '${storeName}' has codec ${describeValue(option)}; expected 'msgpack', 'json' or { encode(value), decode(bytes) }`,
  )
}
