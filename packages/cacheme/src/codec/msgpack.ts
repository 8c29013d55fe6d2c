import { Packr } from 'msgpackr'

/**
 * The default codec's format: JSON text for the values JSON carries exactly and decodes faster,
 * msgpack for the rest: msgpack without records (records only for large values, where a shape
 * repeats inside the value), plus a table of the places that hold a Map (or a -0, or a Set with
 * a Map inside).
 *
 * Why this shape (bench/results/codec.md): a warm hit is almost all decode. msgpackr with
 * records re-reads a record definition in every value (they can't be shared: the readers are
 * other processes), which made decode 1.4-1.6x JSON.parse on 200-byte records; without records
 * it is 0.9-1.15x, but a msgpack map then decodes either always as a Map or always as an
 * object. Objects are the common case, so maps decode as objects, and the few real Maps are
 * listed by path and rebuilt after the decode: the cost is per Map, not per node, and nothing
 * at all for a value without one. (msgpackr's extensions would do it too, but they are global
 * to the msgpackr module, which an application may share and register its own types in.)
 *
 * JSON: V8's JSON.parse builds objects faster than msgpackr reads map keys (a record of ints
 * and short strings: 0.7-0.93x msgpack's time), but it is slower on what msgpack stores as
 * plain bytes: arrays of strings or numbers (1.1-2x), non-integer numbers (1.2x) and long
 * strings (1.3-1.7x at 1-2 KB). So a value is written as JSON when JSON gives it back exactly
 * (plain objects and arrays of strings, finite numbers other than -0, booleans and null; no
 * undefined, no hole, no class instance, no `__proto__` key) and it is mostly object keys: at
 * least two (below that the two are even), and at least twice as many keys as slow items (an
 * array's scalar item, a non-integer number, each 256 characters of a string). The walk that
 * finds the Maps decides that too, so a value pays no extra pass for it. JSON loses (1.2x) on
 * one shape that passes: arrays of objects whose keys all differ.
 *
 * Records do pay off within one value: a 10 KB array of 40 records decodes 2x faster with
 * them. So a value whose plain encoding (or JSON text) reaches RECORDS_FROM bytes is encoded
 * again with records, and kept so if that is at least a sixth smaller than the plain msgpack
 * (or a third smaller than the JSON: msgpack is about 0.8x JSON's size), the sign of repeated
 * shapes.
 *
 * Payload:
 *   <msgpack of the value>                    small, no Map inside (and no -0): plain msgpack
 *   0xC1 <mode> <msgpack of [table, value]>   mode bit 0: with records; bit 1: with a table
 *   0xC1 <mode> <msgpack of the value>        (no table: bit 1 clear)
 *   0xC1 0x04 <JSON text, UTF-8>              mode 4 alone: JSON. Added after the others: a
 *                                             reader older than it refuses mode 4, so there
 *                                             the value is a clean miss (refetched, rewritten)
 * table: [[tag, ...path], ...]. 0xC1 is the one byte msgpack never uses, so the forms can't
 * be confused; a mode with other bits set (or 4 with another) is refused. Each table entry is
 * a tag and the keys (object) or indexes (array) from the root to the value; entries are in
 * post-order (inner before outer), so an entry inside a Map's entries is rebuilt while the Map
 * is still its array. Tags: 'M' Map, stored as [k1, v1, k2, v2, ...]; 'S' Set holding a Map,
 * stored as [items]; 'Z' -0, stored as 0 (msgpack's int 0 would lose the sign).
 * Everything else is msgpackr's own (moreTypes): Date, Set, BigInt, undefined, typed arrays,
 * Buffer, NaN, ±Infinity; class instances as their own enumerable properties or toJSON().
 */

const LEAD = 0xc1
const WITH_RECORDS = 0x01
const WITH_TABLE = 0x02
const AS_JSON = 0x04
/** Plain encodings (or JSON texts) this long are tried with records (bench/results/codec.md, "large"). */
const RECORDS_FROM = 1024
/** A string costs JSON.parse one slow item per this many characters (it scans them; msgpack copies them). */
const CHARS_PER_SLOW_ITEM = 256
/** Deeper than this is taken for a cycle; msgpackr alone would overflow the stack. */
const MAX_DEPTH = 1000

const packr = new Packr({ moreTypes: true, useRecords: false, mapsAsObjects: true })
// No msgpack map ever reaches it (Maps are in the table), so maps-as-objects changes nothing.
const recordsPackr = new Packr({ moreTypes: true, useRecords: true, mapsAsObjects: true })

type Path = (string | number)[]
type Entry = [tag: string, ...path: Path]

/**
 * Walks a value once; returns what msgpackr should pack (the value itself when it holds no Map
 * or -0), and counts what decides between JSON and msgpack.
 */
class Tagger {
  readonly table: Entry[] = []
  /** Whether JSON.stringify + JSON.parse give the value back exactly (cleared by the first node they would not). */
  exact = true
  /** Object keys: what JSON.parse decodes faster than msgpackr. */
  keys = 0
  /** Array scalars, non-integer numbers, long strings: what msgpackr decodes faster. */
  slow = 0
  private readonly path: Path = []

  private tag(tag: string, packed: unknown): unknown {
    this.table.push([tag, ...this.path])
    return packed
  }

  walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') {
      if (value.length >= CHARS_PER_SLOW_ITEM) this.slow += (value.length / CHARS_PER_SLOW_ITEM) | 0
      return value
    }
    if (typeof value === 'boolean' || value === null) return value
    if (typeof value === 'number') {
      if (Number.isInteger(value)) {
        if (value !== 0 || 1 / value > 0) return value
        this.exact = false
        return this.tag('Z', 0)
      }
      if (!Number.isFinite(value)) this.exact = false
      this.slow++
      return value
    }
    if (typeof value !== 'object') {
      this.exact = false // undefined, a BigInt, a function or a symbol
      return value
    }
    if (depth > MAX_DEPTH) {
      throw new TypeError(`cacheme: the default codec can't encode a value nested deeper than ${MAX_DEPTH} levels (is there a cycle?)`)
    }
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) this.exact = false
      return this.array(value, depth)
    }
    const proto = Object.getPrototypeOf(value)
    // Date, Map, Set, typed arrays, class instances, null-prototype objects: JSON changes them.
    if (proto !== Object.prototype) this.exact = false
    if (value instanceof Map) {
      const flat: unknown[] = []
      for (const [k, v] of value) flat.push(k, v)
      return this.tag('M', this.array(flat, depth))
    }
    if (value instanceof Set) {
      const items = [...value]
      const walked = this.array(items, depth)
      return walked === items ? value : this.tag('S', walked)
    }
    if (
      value instanceof Date ||
      ArrayBuffer.isView(value) ||
      value instanceof ArrayBuffer ||
      value instanceof RegExp ||
      value instanceof Error
    ) {
      return value // msgpackr's own extensions
    }
    if (proto !== Object.prototype && proto !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      // msgpackr packs a class instance's toJSON(); walk what it will pack
      return this.walk((value as { toJSON(): unknown }).toJSON(), depth + 1)
    }
    return this.record(value as Record<string, unknown>, depth)
  }

  private array(value: unknown[], depth: number): unknown[] {
    let copy: unknown[] | undefined
    const path = this.path
    for (let i = 0; i < value.length; i++) {
      const item = value[i]
      // A hole reads as undefined, which clears `exact`.
      if (item === null || typeof item !== 'object') this.slow++
      path.push(i)
      const packed = this.walk(item, depth + 1)
      path.pop()
      if (packed !== item && copy === undefined) copy = value.slice(0, i)
      if (copy !== undefined) copy.push(packed)
    }
    return copy ?? value
  }

  /** A plain object, or a class instance (msgpackr packs its own enumerable properties). */
  private record(value: Record<string, unknown>, depth: number): unknown {
    let copy: Record<string, unknown> | undefined
    const path = this.path
    const keys = Object.keys(value)
    this.keys += keys.length
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      const item = value[key]
      // JSON.parse makes it an own key; msgpackr renames it (its guard): keep what msgpack does.
      if (key === '__proto__') this.exact = false
      path.push(key)
      const packed = this.walk(item, depth + 1)
      path.pop()
      if (packed !== item && copy === undefined) copy = copyUpTo(value, keys, i)
      if (copy !== undefined) define(copy, key, packed)
    }
    // A copied class instance loses its class: so would msgpackr, which packs it as a plain object.
    return copy ?? value
  }
}

function copyUpTo(value: Record<string, unknown>, keys: string[], end: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {}
  for (let i = 0; i < end; i++) define(copy, keys[i]!, value[keys[i]!])
  return copy
}

/** Plain assignment would call the `__proto__` setter; the value has it as an own key. */
function define(target: Record<string, unknown>, key: string, item: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value: item, enumerable: true, writable: true, configurable: true })
  else target[key] = item
}

export function encodeMsgpack(value: unknown): Buffer {
  const tagger = new Tagger()
  const packed = tagger.walk(value, 0)
  if (tagger.exact && tagger.keys >= 2 && tagger.keys >= 2 * tagger.slow) {
    const json = JSON.stringify(value)
    if (json.length < RECORDS_FROM) return jsonPayload(json)
    const withRecords = recordsPackr.pack(packed)
    return withRecords.length * 3 <= json.length * 2 ? withLead(WITH_RECORDS, withRecords) : jsonPayload(json)
  }
  const tabled = tagger.table.length > 0
  const root = tabled ? [tagger.table, packed] : packed
  const plain = packr.pack(root)
  if (plain.length >= RECORDS_FROM) {
    const withRecords = recordsPackr.pack(root)
    if (withRecords.length * 6 <= plain.length * 5) return withLead(WITH_RECORDS | (tabled ? WITH_TABLE : 0), withRecords)
  }
  return tabled ? withLead(WITH_TABLE, plain) : plain
}

function jsonPayload(json: string): Buffer {
  const out = Buffer.allocUnsafe(2 + Buffer.byteLength(json, 'utf8'))
  out[0] = LEAD
  out[1] = AS_JSON
  out.write(json, 2, 'utf8')
  return out
}

function withLead(mode: number, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(2 + body.length)
  out[0] = LEAD
  out[1] = mode
  out.set(body, 2)
  return out
}

/** Reply chunks at most this big are decoded in place, through one view each. */
const IN_PLACE_MAX = 256 * 1024
let lastChunk: ArrayBufferLike | undefined
let lastView: Buffer | undefined

/**
 * The values of one reply are views of the socket's chunk, and msgpackr gives every Buffer it
 * decodes a DataView of its own (a property added to it: an allocation and a shape change per
 * value). Decoding them as ranges of one view of the whole chunk makes that once per chunk.
 * Only small chunks are kept for that (a read buffer, never a big value's own buffer), and only
 * the last one.
 */
function replyBuffer(bytes: Buffer): Buffer {
  const chunk = bytes.buffer
  if (chunk === lastChunk) return lastView!
  if (chunk.byteLength > IN_PLACE_MAX || bytes.byteLength === chunk.byteLength) return bytes
  lastChunk = chunk
  lastView = Buffer.from(chunk, 0, chunk.byteLength)
  return lastView
}

/**
 * Decodes `bytes[start, end)`. Taking a range, not a subarray, is what keeps the frame free:
 * a `subarray()` per value costs more than decoding a small one (bench/results/codec.md).
 */
export function decodeMsgpack(bytes: Buffer, start = 0, end = bytes.length): unknown {
  if (bytes[start] !== LEAD) {
    const whole = replyBuffer(bytes)
    if (whole === bytes) return packr.unpack(bytes, { start, end })
    const offset = bytes.byteOffset
    return packr.unpack(whole, { start: offset + start, end: offset + end })
  }
  const mode = bytes[start + 1]
  if (mode === AS_JSON) return JSON.parse(bytes.toString('utf8', start + 2, end))
  if (mode === undefined || (mode & ~(WITH_RECORDS | WITH_TABLE)) !== 0) {
    throw new TypeError(`cacheme: the default codec's payload has mode ${String(mode)}; expected 0 to 4`)
  }
  const parsed: unknown = (mode & WITH_RECORDS ? recordsPackr : packr).unpack(bytes, { start: start + 2, end })
  if ((mode & WITH_TABLE) === 0) return parsed
  if (!Array.isArray(parsed) || parsed.length !== 2 || !Array.isArray(parsed[0])) {
    throw new TypeError("cacheme: the default codec's payload is not [table, value]")
  }
  const root = [parsed[1]]
  for (const entry of parsed[0] as unknown[]) rebuild(root, entry)
  return root[0]
}

/** Replaces the packed form at `entry`'s path (under `root[0]`) with the value its tag names. */
function rebuild(root: unknown[], entry: unknown): void {
  if (!Array.isArray(entry) || entry.length === 0 || typeof entry[0] !== 'string') {
    throw new TypeError(`cacheme: the default codec's table has a malformed entry ${describe(entry)}`)
  }
  let holder: unknown = root
  let key: string | number = 0
  for (let i = 1; i < entry.length; i++) {
    const next = (holder as Record<string | number, unknown>)[key]
    if (next === null || typeof next !== 'object')
      throw new TypeError(`cacheme: the default codec's table points past the value at ${describe(entry)}`)
    holder = next
    key = entry[i] as string | number
  }
  const packed = (holder as Record<string | number, unknown>)[key]
  const value = fromTag(entry[0], packed, entry)
  if (key === '__proto__') Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true })
  else (holder as Record<string | number, unknown>)[key] = value
}

function fromTag(tag: string, packed: unknown, entry: unknown[]): unknown {
  if (tag === 'Z') return -0
  if (!Array.isArray(packed)) throw new TypeError(`cacheme: the default codec's table points at a non-array for ${describe(entry)}`)
  if (tag === 'S') return new Set(packed)
  if (tag === 'M') {
    const map = new Map<unknown, unknown>()
    for (let i = 0; i < packed.length; i += 2) map.set(packed[i], packed[i + 1])
    return map
  }
  throw new TypeError(`cacheme: the default codec's table has an unknown tag ${JSON.stringify(tag)}`)
}

function describe(entry: unknown): string {
  try {
    return JSON.stringify(entry) ?? String(entry)
  } catch {
    return String(entry)
  }
}
