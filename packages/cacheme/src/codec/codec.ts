import { Packr } from 'msgpackr'
import { describeValue } from '../describe.js'
import { frameJson, frameValue, readFrame, readJsonFrame, type Frame } from './frame.js'

/** Turns values into bytes for Redis and back. `decode` may throw: the value is then a miss. */
export interface Codec<T = unknown> {
  encode(value: T): string | Uint8Array
  decode(bytes: Buffer): T
}

/** `'json'` stores plain JSON text (in a JSON envelope, see the docs) so other programs can read the cache. */
export type CodecOption<T = unknown> = 'msgpack' | 'json' | Codec<T>

// Records (not msgpack maps) for plain objects, so msgpack maps can decode as real Maps.
const packr = new Packr({ moreTypes: true, useRecords: true, mapsAsObjects: false })

/** The default: everything JSON does plus Date, Map, Set, BigInt, undefined, typed arrays, Buffer. */
export const msgpackCodec: Codec = {
  encode: (value) => packr.pack(value),
  decode: (bytes) => packr.unpack(bytes),
}

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
  decode(payload: Buffer): T
}

const binaryFormat = <T>(codec: Codec<T>): ValueFormat<T> => ({
  write: (value) => frameValue(codec.encode(value)),
  read: readFrame,
  decode: (payload) => codec.decode(payload),
})

const msgpackFormat = binaryFormat(msgpackCodec)

const jsonFormat: ValueFormat<unknown> = {
  write: (value) => frameJson(JSON.stringify(value) ?? 'null'),
  read: readJsonFrame,
  decode: (payload) => JSON.parse(payload.toString('utf8')),
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
