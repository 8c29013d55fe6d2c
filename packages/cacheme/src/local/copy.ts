/**
 * A fresh copy of a decoded value, for the local tier's default (not shared) mode: copying the
 * decoded structure costs a fraction of decoding its bytes again (strings are immutable and
 * shared; only objects, arrays and the mutable built-ins are made anew). Only for values made of
 * what the built-in codecs produce (plain objects and arrays, primitives, Date, Map, Set,
 * typed arrays, Buffer): `copyable` says so, once, when the value is kept; any other value
 * (a custom codec's class instance) is decoded again for every get instead.
 */
export function copyValue<T>(value: T): T {
  return copy(value) as T
}

/** Whether `copyValue` copies `value` faithfully (and it is small and shallow enough to walk). */
export function copyable(value: unknown): boolean {
  const budget = { nodes: MAX_NODES }
  return walk(value, 0, budget)
}

const MAX_NODES = 10_000
const MAX_DEPTH = 64

function copy(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length)
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i])
    return out
  }
  const proto: unknown = Object.getPrototypeOf(v)
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = proto === null ? Object.create(null) : {}
    for (const key of Object.keys(v)) {
      const item = copy((v as Record<string, unknown>)[key])
      // A '__proto__' key is data (JSON.parse makes it an own property), never the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: item, writable: true, enumerable: true, configurable: true })
      else out[key] = item
    }
    return out
  }
  if (v instanceof Date) return new Date(v.getTime())
  if (v instanceof Map) {
    const out = new Map<unknown, unknown>()
    for (const [key, item] of v) out.set(copy(key), copy(item))
    return out
  }
  if (v instanceof Set) {
    const out = new Set<unknown>()
    for (const item of v) out.add(copy(item))
    return out
  }
  if (Buffer.isBuffer(v)) return Buffer.from(v)
  return (v as unknown as { slice(): unknown }).slice() // a typed array (walk() let nothing else through)
}

function walk(v: unknown, depth: number, budget: { nodes: number }): boolean {
  if (--budget.nodes < 0 || depth > MAX_DEPTH) return false
  if (typeof v !== 'object' || v === null) return typeof v !== 'function' && typeof v !== 'symbol'
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype || Object.keys(v).length !== v.length) return false
    for (let i = 0; i < v.length; i++) if (!(i in v) || !walk(v[i], depth + 1, budget)) return false
    return true
  }
  const proto: unknown = Object.getPrototypeOf(v)
  if (proto === Object.prototype || proto === null) {
    if (Object.getOwnPropertySymbols(v).length > 0) return false
    for (const key of Object.getOwnPropertyNames(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key)!
      if (!d.enumerable || !('value' in d) || !walk(d.value, depth + 1, budget)) return false
    }
    return true
  }
  if (proto === Date.prototype) return true
  if (proto === Map.prototype) {
    for (const [key, item] of v as Map<unknown, unknown>) if (!walk(key, depth + 1, budget) || !walk(item, depth + 1, budget)) return false
    return true
  }
  if (proto === Set.prototype) {
    for (const item of v as Set<unknown>) if (!walk(item, depth + 1, budget)) return false
    return true
  }
  if (Buffer.isBuffer(v)) return Object.getPrototypeOf(v) === Buffer.prototype
  return (
    ArrayBuffer.isView(v) &&
    !(v instanceof DataView) &&
    Object.getPrototypeOf(Object.getPrototypeOf(v)) === Object.getPrototypeOf(Uint8Array.prototype)
  )
}
