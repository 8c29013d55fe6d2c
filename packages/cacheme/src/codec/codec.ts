import { Packr } from 'msgpackr'
import { describeValue } from '../template/parse-template.js'

/** Turns values into bytes for Redis and back. `decode` may throw: the value is then a miss. */
export interface Codec<T = unknown> {
  encode(value: T): string | Uint8Array
  decode(bytes: Buffer): T
}

/** `'json'` stores plain JSON text so other programs can read the cache. */
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

export function resolveCodec<T>(option: CodecOption<T> | undefined, storeName: string): Codec<T> {
  if (option === undefined || option === 'msgpack') return msgpackCodec as Codec<T>
  if (option === 'json') return jsonCodec as Codec<T>
  if (option !== null && typeof option === 'object' && typeof option.encode === 'function' && typeof option.decode === 'function') {
    return option
  }
  throw new TypeError(
    `cacheme: store '${storeName}' has codec ${describeValue(option)}; expected 'msgpack', 'json' or { encode(value), decode(bytes) }`,
  )
}
