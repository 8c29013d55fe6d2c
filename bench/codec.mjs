// Codec CPU: decode and encode cost per value of each candidate default codec, against
// JSON.parse / JSON.stringify of the same values' JSON (what a hand-rolled MGET + JSON.parse
// cache pays). Run: `npm run build && node bench/codec.mjs` (cbor-x is measured when installed:
// `npm install --no-save cbor-x`). Writes bench/results/codec.md.
//
// Method: for each (candidate, shape), a batch of 20 distinct encoded values is decoded (or
// the values encoded) in a loop for ROUND_MS; per-value CPU time (process.cpuUsage, user +
// system) is the round's CPU divided by values done. Each candidate's round runs right after
// a round of the JSON baseline on the same values, and the ratio is taken per pair, so a noisy
// neighbour on the shared cores moves both sides of a ratio alike. One warm-up round, then
// ROUNDS rounds; medians reported.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { deserialize, serialize } from 'node:v8'
import { Packr } from 'msgpackr'
import { frameValue, readFrame } from '../packages/cacheme/dist/codec/frame.js'
import { msgpackCodec } from '../packages/cacheme/dist/codec/codec.js'
import { encodeMsgpack, decodeMsgpack } from '../packages/cacheme/dist/codec/msgpack.js'
import { SHAPES } from './support/codec-shapes.mjs'
import { cpuPerValue } from './support/cpu-per-value.mjs'

// Only so the baseline's JSON.stringify accepts the 'rich' shape (JSON has no BigInt).
BigInt.prototype.toJSON = function () {
  return this.toString()
}

/**
 * A candidate as cacheme would run it: frame header written and checked around the payload.
 * The default codec reads its payload in place (decodeMsgpack with a range); the others get a subarray, as
 * a custom codec would: the difference is the cost of one `subarray()` per value.
 */
function framed(c, codec) {
  return {
    name: `${c.name}, framed${codec ? '' : ' (subarray)'}`,
    encode: (v) => frameValue(c.encode(v)),
    decode: (b) => {
      const frame = readFrame(b)
      if (frame.kind !== 'value') throw new Error(`bench: ${frame.kind}`)
      return codec ? decodeMsgpack(frame.bytes, frame.start, frame.end) : c.decode(frame.bytes.subarray(frame.start, frame.end))
    },
  }
}

const ROUNDS = Number(process.env.CODEC_ROUNDS ?? 7)
const ROUND_MS = Number(process.env.CODEC_ROUND_MS ?? 100)
const BATCH = 20

// ---- tagged JSON: a candidate measured and not chosen ----------------------------------------
// JSON text of the value, plus (after a leading space) a table of the paths to the values JSON
// can't say: [[tag, ...path], ...] with Date as epoch ms, Map as flat entries, BigInt as a
// string, undefined as null, -0/NaN/±Infinity as strings, byte views as base64. A pure-JSON
// value decodes with exactly one JSON.parse; each special value then costs a revival step.
const TABLED = 0x20
const MAX_DEPTH = 1000
const VIEWS = {
  Uint8Array,
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
}
class Tagger {
  table = []
  path = []
  tag(tag, json) {
    this.table.push([tag, ...this.path])
    return json
  }
  walk(value, depth) {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value
      case 'number':
        if (value === 0 ? 1 / value > 0 : Number.isFinite(value)) return value
        return this.tag('N', Object.is(value, -0) ? '-0' : String(value))
      case 'undefined':
        return this.tag('U', null)
      case 'bigint':
        return this.tag('B', value.toString())
      case 'object':
        return value === null ? null : this.object(value, depth)
      default:
        return value
    }
  }
  object(value, depth) {
    if (depth > MAX_DEPTH) {
      throw new TypeError(`cacheme: the default codec can't encode a value nested deeper than ${MAX_DEPTH} levels (is there a cycle?)`)
    }
    const proto = Object.getPrototypeOf(value)
    if (proto === Object.prototype || proto === null) {
      if (typeof value.toJSON === 'function') return this.walk(value.toJSON(), depth + 1)
      return this.record(value, depth)
    }
    if (Array.isArray(value)) return this.array(value, depth)
    if (value instanceof Date) {
      const ms = value.getTime()
      return this.tag('D', Number.isNaN(ms) ? null : ms)
    }
    if (value instanceof Map) {
      const flat = []
      for (const [k, v] of value) flat.push(k, v)
      return this.tag('M', this.array(flat, depth))
    }
    if (value instanceof Set) return this.tag('S', this.array([...value], depth))
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
      return this.tag(Buffer.isBuffer(value) ? 'Buffer' : value.constructor.name, bytes)
    }
    if (typeof value.toJSON === 'function') return this.walk(value.toJSON(), depth + 1)
    return this.record(value, depth)
  }
  array(value, depth) {
    let copy
    const path = this.path
    for (let i = 0; i < value.length; i++) {
      const item = value[i]
      path.push(i)
      const json = this.walk(item, depth + 1)
      path.pop()
      if (json !== item && copy === undefined) copy = value.slice(0, i)
      if (copy !== undefined) copy.push(json)
    }
    return copy ?? value
  }
  record(value, depth) {
    let copy
    const path = this.path
    const keys = Object.keys(value)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]
      const item = value[key]
      if (typeof item === 'function' || typeof item === 'symbol') {
        copy ??= copyUpTo(value, keys, i)
        continue
      }
      path.push(key)
      const json = this.walk(item, depth + 1)
      path.pop()
      if (json !== item) copy ??= copyUpTo(value, keys, i)
      if (copy !== undefined) copy[key] = json
    }
    return copy ?? value
  }
}
function copyUpTo(value, keys, end) {
  const copy = {}
  for (let i = 0; i < end; i++) define(copy, keys[i], value[keys[i]])
  return copy
}
function define(target, key, item) {
  if (key === '__proto__') Object.defineProperty(target, key, { value: item, enumerable: true, writable: true, configurable: true })
  else target[key] = item
}
function encodeTaggedJson(value) {
  const tagger = new Tagger()
  const json = tagger.walk(value, 0)
  if (tagger.table.length === 0) return Buffer.from(JSON.stringify(json) ?? 'null', 'utf8')
  return Buffer.from(' ' + JSON.stringify([tagger.table, json]), 'utf8')
}
function decodeTaggedJson(bytes) {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const parsed = JSON.parse(buffer.toString())
  if (buffer[0] !== TABLED) return parsed
  if (!Array.isArray(parsed) || parsed.length !== 2 || !Array.isArray(parsed[0])) {
    throw new TypeError("cacheme: the default codec's payload is not [table, value]")
  }
  const table = parsed[0]
  const root = [parsed[1]]
  for (const entry of table) revive(root, entry)
  return root[0]
}
function revive(root, entry) {
  if (!Array.isArray(entry) || entry.length === 0 || typeof entry[0] !== 'string') {
    throw new TypeError(`cacheme: the default codec's table has a malformed entry ${JSON.stringify(entry)}`)
  }
  let holder = root
  let key = 0
  for (let i = 1; i < entry.length; i++) {
    const next = holder[key]
    if (next === null || typeof next !== 'object')
      throw new TypeError(`cacheme: the default codec's table points past the value at ${JSON.stringify(entry)}`)
    holder = next
    key = entry[i]
  }
  const json = holder[key]
  const value = fromTag(entry[0], json)
  if (key === '__proto__') Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true })
  else holder[key] = value
}
function fromTag(tag, json) {
  switch (tag) {
    case 'D':
      return new Date(json === null ? Number.NaN : json)
    case 'U':
      return undefined
    case 'B':
      return BigInt(json)
    case 'N':
      return Number(json)
    case 'S':
      return new Set(json)
    case 'M': {
      const flat = json
      const map = new Map()
      for (let i = 0; i < flat.length; i += 2) map.set(flat[i], flat[i + 1])
      return map
    }
    case 'Buffer':
      return Buffer.from(json, 'base64')
    default: {
      const View = VIEWS[tag]
      if (View === undefined) throw new TypeError(`cacheme: the default codec's table has an unknown tag ${JSON.stringify(tag)}`)
      const bytes = Buffer.from(json, 'base64')
      const copy = new ArrayBuffer(bytes.length)
      new Uint8Array(copy).set(bytes)
      const width = View.BYTES_PER_ELEMENT
      return new View(copy, 0, bytes.length / width)
    }
  }
}

// ---- candidates -----------------------------------------------------------------------------
const recordsPackr = new Packr({ moreTypes: true, useRecords: true, mapsAsObjects: false })
const plainPackr = new Packr({ moreTypes: true, useRecords: false, mapsAsObjects: true })
const bundlePackr = new Packr({ moreTypes: true, useRecords: false, mapsAsObjects: true, bundleStrings: true })
// Shared structures: the ceiling of msgpack records. Not deployable as the default: every
// process would have to agree on the structure table, stored and versioned in Redis itself.
const sharedStructures = []
const sharedPackr = new Packr({ moreTypes: true, structures: sharedStructures, mapsAsObjects: false })

/** JSON with a reviver that turns tagged objects back into Date, Map, Set... (the classic scheme). */
function reviverEncode(value) {
  return Buffer.from(
    JSON.stringify(value, function (key, v) {
      const raw = this[key]
      if (raw instanceof Date) return { $t: 'D', v: raw.getTime() }
      if (raw instanceof Map) return { $t: 'M', v: [...raw] }
      if (raw instanceof Set) return { $t: 'S', v: [...raw] }
      if (typeof raw === 'bigint') return { $t: 'B', v: raw.toString() }
      if (raw === undefined) return { $t: 'U' }
      return v
    }) ?? 'null',
  )
}
function reviverDecode(bytes) {
  return JSON.parse(bytes.toString('utf8'), (_k, v) => {
    if (v !== null && typeof v === 'object' && typeof v.$t === 'string') {
      switch (v.$t) {
        case 'D':
          return new Date(v.v)
        case 'M':
          return new Map(v.v)
        case 'S':
          return new Set(v.v)
        case 'B':
          return BigInt(v.v)
        case 'U':
          return undefined
      }
    }
    return v
  })
}

const candidates = [
  { name: 'JSON.parse (baseline)', encode: (v) => Buffer.from(JSON.stringify(v)), decode: (b) => JSON.parse(b.toString()), baseline: true },
  { name: 'msgpackr records (the first default)', encode: (v) => recordsPackr.pack(v), decode: (b) => recordsPackr.unpack(b) },
  {
    name: 'msgpackr no records',
    encode: (v) => plainPackr.pack(v),
    decode: (b) => plainPackr.unpack(b),
    note: 'Map reads back as a plain object',
  },
  {
    name: 'msgpackr no records + bundleStrings',
    encode: (v) => bundlePackr.pack(v),
    decode: (b) => bundlePackr.unpack(b),
    note: 'Map reads back as a plain object',
  },
  {
    name: 'msgpackr shared structures',
    encode: (v) => sharedPackr.pack(v),
    decode: (b) => sharedPackr.unpack(b),
    note: 'needs a structure table agreed across processes',
  },
  { name: 'v8.serialize', encode: (v) => serialize(v), decode: (b) => deserialize(b), note: 'Buffer reads back as Uint8Array' },
  { name: 'JSON + reviver', encode: reviverEncode, decode: reviverDecode, note: 'no typed arrays in this sketch' },
  { name: 'tagged JSON (table of paths)', encode: encodeTaggedJson, decode: decodeTaggedJson },
]
candidates.push(framed(candidates.at(-1)))
candidates.splice(3, 0, {
  name: 'chosen: JSON for records, else msgpackr no records (records from 1 KB) + Map table',
  encode: encodeMsgpack,
  decode: decodeMsgpack,
})
candidates.push(framed(candidates[3], msgpackCodec))
try {
  const { Encoder } = await import('cbor-x')
  const plainCbor = new Encoder({ useRecords: false, mapsAsObjects: true })
  const recordCbor = new Encoder({ useRecords: true, mapsAsObjects: false })
  candidates.splice(
    5,
    0,
    {
      name: 'cbor-x no records',
      encode: (v) => plainCbor.encode(v),
      decode: (b) => plainCbor.decode(b),
      note: 'Map reads back as a plain object',
    },
    { name: 'cbor-x records', encode: (v) => recordCbor.encode(v), decode: (b) => recordCbor.decode(b) },
  )
  candidates.push(framed(candidates.find((c) => c.name === 'cbor-x records')))
} catch {
  console.error('cbor-x not installed: skipped (npm install --no-save cbor-x)')
}

// CODEC_ONLY=a,b keeps the candidates whose name contains one of these (the baseline always runs).
const only = process.env.CODEC_ONLY?.split(',')
if (only) candidates.splice(0, candidates.length, ...candidates.filter((c) => c.baseline || only.some((o) => c.name.includes(o))))

// ---- measurement ----------------------------------------------------------------------------
const perValueMicros = (fn, inputs) => cpuPerValue(fn, inputs, ROUND_MS)

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]
}

const jobs = []
for (const [shape, make] of Object.entries(SHAPES)) {
  const values = Array.from({ length: BATCH }, (_, i) => make(i))
  const base = candidates[0]
  const baseEncoded = values.map((v) => base.encode(v))
  for (const c of candidates) {
    const encoded = values.map((v) => c.encode(v))
    jobs.push({
      shape,
      candidate: c,
      bytes: encoded.reduce((n, b) => n + b.length, 0) / BATCH,
      decode: { inputs: encoded, fn: c.decode, samples: [], ratios: [], base: { inputs: baseEncoded, fn: base.decode } },
      encode: { inputs: values, fn: c.encode, samples: [], ratios: [], base: { inputs: values, fn: base.encode } },
    })
  }
}
for (let round = -1; round < ROUNDS; round++) {
  // round -1 warms up (JIT, inline caches)
  for (const job of jobs) {
    for (const op of [job.decode, job.encode]) {
      const baseUs = job.candidate.baseline ? undefined : perValueMicros(op.base.fn, op.base.inputs)
      const us = perValueMicros(op.fn, op.inputs)
      if (round >= 0) {
        op.samples.push(us)
        op.ratios.push(baseUs === undefined ? 1 : us / baseUs)
      }
    }
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS}\n`)
}

// ---- report ---------------------------------------------------------------------------------
const lines = [
  '# Codec CPU per value',
  '',
  `Node ${process.version}, ${ROUNDS} rounds of ${ROUND_MS} ms per cell after a warm-up round, median; a batch of ${BATCH} distinct values per shape.`,
  'CPU time is `process.cpuUsage()` (user + system). "x JSON" is the decode (or encode) time over `JSON.parse(buf.toString())`',
  '(or `Buffer.from(JSON.stringify(v))`) of the same values, measured in the round just before (median of the per-pair ratios).',
  "\"/20\" is the per-value time times 20: a warm `getMany(20)`'s decode work. The baseline's JSON loses what JSON can't say",
  '(Dates become strings, a Map `{}`), so on shapes with such values its figure is a floor no faithful codec can reach.',
  'Generated by `node bench/codec.mjs` (2 shared cores: compare within one run, not across runs).',
  '',
  '## The choice',
  '',
  'The default codec is **JSON text for the values JSON carries exactly and decodes faster, msgpackr without records',
  'for the rest, Maps rebuilt from a table of paths** (`packages/cacheme/src/codec/msgpack.ts`), read in place behind',
  'the frame (`, framed` rows: what a store pays per hit, frame check included). Its rows are "chosen".',
  "- JSON (payload `C1 04` + the text): V8's JSON.parse builds objects faster than msgpackr reads map keys, so a record",
  "  (book, wide record, dictionary) decodes in JSON.parse's time. It is slower on what msgpack stores as plain bytes:",
  '  arrays of strings or numbers, non-integer numbers, long strings (tag list, article). So JSON is chosen only for a',
  '  value JSON gives back exactly (no Date, Map, undefined, -0, class instance...) that is mostly object keys: at',
  '  least 2, and at least twice as many as array scalars + non-integer numbers + 256-character runs of strings; the',
  '  walk that finds the Maps counts them, so the choice costs the encoder no extra pass.',
  '- msgpackr with records (the first default) re-reads a record definition in every value: records only pay off within one value',
  "  (the 10 KB arrays), never across values, because the structures can't be shared between processes. So the default",
  '  uses records only for a value whose plain encoding reaches 1 KB and shrinks by a sixth with them (repeated shapes),',
  '  and a large JSON-exact value is msgpack with records when they are a third smaller than its JSON text.',
  '- Without records msgpackr is the fastest faithful decoder for what is not a record, but a msgpack map must decode',
  '  as either a Map or an object: objects it is, and the few real Maps are listed in a table and rebuilt, so a value',
  "  without a Map costs nothing extra. msgpackr's own extensions can't do it (Map is special-cased before them) and",
  '  are global to the module, which an application may share.',
  '- cbor-x with records is close on records and better on large arrays of records, but it is a new dependency with the',
  '  same per-value record definitions, and loses -0. v8.serialize turns a Buffer into a Uint8Array and is 2-3x slower',
  '  to decode. JSON with a reviver calls a function per node. Tagged JSON (JSON.parse + a revival table) is exactly',
  '  JSON.parse on JSON-safe values, but pays per Date and is the largest on the wire.',
  '- Shared structures would be fastest, but need a structure table agreed by every process, kept in Redis: not a default.',
  '- The frame: a `subarray()` per value cost more than decoding a small value, so built-in codecs read the payload range',
  '  in place (a range of the stored bytes); only custom codecs get a Buffer of their own.',
  '',
]
for (const shape of Object.keys(SHAPES)) {
  const rows = jobs.filter((j) => j.shape === shape)
  lines.push(
    `## ${shape}`,
    '',
    '| codec | bytes | decode µs/value | decode µs/20 | decode x JSON | encode µs/value | encode x JSON | note |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  )
  for (const j of rows) {
    const d = median(j.decode.samples)
    const e = median(j.encode.samples)
    lines.push(
      `| ${j.candidate.name} | ${j.bytes.toFixed(0)} | ${d.toFixed(3)} | ${(d * BATCH).toFixed(2)} | ${median(j.decode.ratios).toFixed(2)} | ${e.toFixed(3)} | ${median(j.encode.ratios).toFixed(2)} | ${j.candidate.note ?? ''} |`,
    )
  }
  lines.push('')
}
const report = lines.join('\n')
console.log(report)
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
// The notes at the end are measurements of other scripts (bench/codec-ab.mjs, the warm scenario): kept across re-runs.
const target = new URL('./results/codec.md', import.meta.url)
const NOTES = '\n## Notes (hand-written; bench/codec.mjs keeps them)'
const previous = existsSync(target) ? readFileSync(target, 'utf8') : ''
writeFileSync(target, report + (previous.includes(NOTES) ? previous.slice(previous.indexOf(NOTES)) : ''))
