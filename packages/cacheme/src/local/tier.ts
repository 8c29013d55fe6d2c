import type { TrackedNode } from '../backends/tracking.js'
import type { ValueFrame } from '../codec/frame.js'
import { FrequencySketch, hashKey } from './frequency.js'
import type { LocalSettings } from './options.js'

/**
 * Whether the replies of one Redis node may be kept (backends/tracking.ts): `armed` once the
 * server confirmed `CLIENT TRACKING`, `epoch` moved whenever a connection is lost or re-armed.
 */
export type { TrackedNode }

/** A value kept locally: its stored bytes, and (shared mode) the one decoded instance. */
export interface LocalEntry {
  /** The stored value's frame (its bytes, read in place), decoded again for every caller by default. */
  readonly frame: ValueFrame
  /** The decoded value handed to every caller under `shared: true`; NOT_DECODED otherwise. */
  readonly value: unknown
  readonly expiresAt: number
  readonly store: string
  readonly node: string
  readonly hash: number
}

/** A read on its way: its reply is kept only if this same ticket still holds the key (no invalidation came meanwhile). */
export interface Ticket {
  readonly node: TrackedNode
  readonly epoch: number
  readonly armed: boolean
  readonly hash: number
}

export const NOT_DECODED: unique symbol = Symbol('not decoded')

/** Bytes counted per entry beyond its value (the Map slot, the entry, the key string), so small values still weigh something. */
const ENTRY_OVERHEAD = 96

/**
 * The in-process tier: encoded values by key, bounded by entries and bytes, least recently used
 * evicted first behind a TinyLFU admission (frequency.ts). Coherence is not decided here:
 * the placeholder rule is. A read puts a ticket in the key's slot *before* it is sent; an
 * invalidation (or this process's write, or the loss of the node's tracking) removes whatever
 * is in the slot; the reply is stored only if its own ticket is still there and its node's
 * tracking epoch has not moved. So a reply that raced its invalidation is never kept.
 */
export class LocalTier {
  readonly settings: LocalSettings
  readonly #slots = new Map<string, LocalEntry | Ticket>()
  readonly #sketch: FrequencySketch
  #entries = 0
  #bytes = 0

  constructor(settings: LocalSettings) {
    this.settings = settings
    this.#sketch = new FrequencySketch(settings.maxEntries)
  }

  get size(): number {
    return this.#entries
  }

  get bytes(): number {
    return this.#bytes
  }

  /** The live entry of `key`, made most recently used; undefined when absent, pending or expired. */
  lookup(key: string, now: number): LocalEntry | undefined {
    const slot = this.#slots.get(key)
    if (slot === undefined || !('frame' in slot)) return undefined
    if (slot.expiresAt <= now) {
      this.#remove(key, slot)
      return undefined
    }
    this.#sketch.increment(slot.hash)
    // Map order is recency order: re-inserting moves the key to the young end.
    this.#slots.delete(key)
    this.#slots.set(key, slot)
    return slot
  }

  /** Puts a ticket in the key's slot before its read is sent (replacing an older ticket, whose reply then isn't kept). */
  reserve(key: string, node: TrackedNode): Ticket {
    const slot = this.#slots.get(key)
    if (slot !== undefined && 'frame' in slot) this.#remove(key, slot)
    const hash = hashKey(key)
    this.#sketch.increment(hash)
    const ticket: Ticket = { node, epoch: node.epoch, armed: node.armed, hash }
    this.#slots.set(key, ticket)
    return ticket
  }

  /**
   * Stores the reply of the read `ticket` was taken for, if nothing invalidated it meanwhile
   * and past the bounds only if TinyLFU admits it. Returns the entry kept, or undefined.
   */
  fill(key: string, ticket: Ticket, frame: ValueFrame, value: unknown, store: string, ttlMs: number, now: number): LocalEntry | undefined {
    if (this.#slots.get(key) !== ticket) return undefined
    this.#slots.delete(key)
    const { node } = ticket
    if (!ticket.armed || !node.armed || node.epoch !== ticket.epoch || ttlMs <= 0) return undefined
    const size = frame.bytes.length + key.length * 2 + ENTRY_OVERHEAD
    const { maxEntries, maxBytes } = this.settings
    if (size > maxBytes) return undefined
    while (this.#entries >= maxEntries || this.#bytes + size > maxBytes) {
      const victim = this.#oldest()
      if (victim === undefined) break
      // TinyLFU: a newcomer asked for less often than the entry it would push out stays out.
      if (this.#sketch.frequency(ticket.hash) <= this.#sketch.frequency(victim[1].hash)) {
        // The victim was just weighed against a newcomer: it is kept, as most recently used.
        this.#slots.delete(victim[0])
        this.#slots.set(victim[0], victim[1])
        return undefined
      }
      this.#remove(victim[0], victim[1])
    }
    const entry: LocalEntry = { frame, value, expiresAt: now + ttlMs, store, node: node.name, hash: ticket.hash }
    this.#slots.set(key, entry)
    this.#entries++
    this.#bytes += size
    return entry
  }

  /** Gives up a ticket whose reply is not to be kept (a miss, a marker, an error). */
  release(key: string, ticket: Ticket): void {
    if (this.#slots.get(key) === ticket) this.#slots.delete(key)
  }

  /** Drops the key's entry or ticket: an invalidation, or a write of this process. */
  drop(key: string): void {
    const slot = this.#slots.get(key)
    if (slot === undefined) return
    if ('frame' in slot) this.#remove(key, slot)
    else this.#slots.delete(key)
  }

  /** Drops what one store keeps (its invalidateAll), tickets of every store included (they can't tell their store). */
  dropStore(store: string): void {
    for (const [key, slot] of this.#slots) {
      if (!('frame' in slot)) this.#slots.delete(key)
      else if (slot.store === store) this.#remove(key, slot)
    }
  }

  /** Drops every entry read from `node` (or for which `test` says so): its tracking was lost or its slots moved. */
  dropWhere(test: (key: string, entry: LocalEntry) => boolean): void {
    for (const [key, slot] of this.#slots) {
      if ('frame' in slot) {
        if (test(key, slot)) this.#remove(key, slot)
      }
    }
  }

  /** Drops everything (FLUSHALL, FLUSHDB, or closing). */
  clear(): void {
    this.#slots.clear()
    this.#entries = 0
    this.#bytes = 0
  }

  #oldest(): [string, LocalEntry] | undefined {
    for (const [key, slot] of this.#slots) {
      if ('frame' in slot) return [key, slot]
    }
    return undefined
  }

  #remove(key: string, entry: LocalEntry): void {
    this.#slots.delete(key)
    this.#entries--
    this.#bytes -= entry.frame.bytes.length + key.length * 2 + ENTRY_OVERHEAD
  }
}
