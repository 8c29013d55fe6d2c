import type { TrackedNode } from '../backends/tracking.js'
import type { ValueFrame } from '../codec/frame.js'
import { FrequencySketch, hashKey } from './frequency.js'
import type { LocalSettings } from './options.js'

/**
 * Whether the replies of one Redis node may be kept (backends/tracking.ts): `armed` once the
 * server confirmed `CLIENT TRACKING`, `epoch` moved whenever a connection is lost or re-armed.
 */
export type { TrackedNode }

/**
 * How a kept value is handed out: the one instance (`shared: true`), a copy of the decoded
 * structure (copy.ts), or a fresh decode of its bytes (a value copy.ts can't copy faithfully).
 */
export type Handout = 'shared' | 'copy' | 'decode'

/** A value kept locally. */
export interface LocalEntry {
  readonly handout: Handout
  /** The decoded value (shared, copy); undefined under decode. */
  readonly value: unknown
  /** The stored bytes (decode); undefined otherwise. */
  readonly frame: ValueFrame | undefined
  readonly size: number
  readonly expiresAt: number
  readonly store: string
  readonly node: string
  readonly hash: number
  /** Asked for since the eviction hand last passed (CLOCK: a hit costs one write, not a reorder). */
  visited: boolean
}

/** What to keep of a reply. */
export interface Keep {
  handout: Handout
  value: unknown
  frame: ValueFrame | undefined
  /** The stored bytes' length: what the bounds count. */
  bytes: number
}

/** A read on its way: its reply is kept only if this same ticket still holds the key (no invalidation came meanwhile). */
export interface Ticket {
  readonly node: TrackedNode
  readonly epoch: number
  readonly armed: boolean
  readonly hash: number
}

/** Bytes counted per entry beyond its value (the Map slot, the entry, the key string), so small values still weigh something. */
const ENTRY_OVERHEAD = 96

/**
 * The in-process tier: values by key, bounded by entries and bytes. Eviction is CLOCK (second
 * chance, an LRU approximation whose hit path is one flag write) behind TinyLFU's admission (frequency.ts): bench/results/local.md compares its hit ratio with
 * plain LRU on a Zipf workload.
 *
 * Coherence is not decided here: the placeholder rule is. A read puts a ticket in the key's
 * slot *before* it is sent; an invalidation (or this process's write, or the loss of the node's
 * tracking) removes whatever is in the slot; the reply is stored only if its own ticket is still
 * there and its node's tracking epoch has not moved. So a reply that raced its invalidation is
 * never kept.
 */
export class LocalTier {
  readonly settings: LocalSettings
  readonly #slots = new Map<string, LocalEntry | Ticket>()
  readonly #sketch: FrequencySketch
  #hand: MapIterator<[string, LocalEntry | Ticket]>
  #entries = 0
  #bytes = 0

  constructor(settings: LocalSettings) {
    this.settings = settings
    this.#sketch = new FrequencySketch(settings.maxEntries)
    this.#hand = this.#slots.entries()
  }

  get size(): number {
    return this.#entries
  }

  get bytes(): number {
    return this.#bytes
  }

  /** The live entry of `key`; undefined when absent, pending or expired. */
  lookup(key: string, now: number): LocalEntry | undefined {
    const slot = this.#slots.get(key)
    if (slot === undefined || !isEntry(slot)) return undefined
    if (slot.expiresAt <= now) {
      this.#remove(key, slot)
      return undefined
    }
    this.#sketch.increment(slot.hash)
    slot.visited = true
    return slot
  }

  /** Puts a ticket in the key's slot before its read is sent (replacing an older ticket, whose reply then isn't kept). */
  reserve(key: string, node: TrackedNode): Ticket {
    const slot = this.#slots.get(key)
    if (slot !== undefined && isEntry(slot)) this.#remove(key, slot)
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
  fill(key: string, ticket: Ticket, keep: Keep, store: string, ttlMs: number, now: number): LocalEntry | undefined {
    if (this.#slots.get(key) !== ticket) return undefined
    this.#slots.delete(key)
    const { node } = ticket
    if (!ticket.armed || !node.armed || node.epoch !== ticket.epoch || ttlMs <= 0) return undefined
    const size = keep.bytes + key.length * 2 + ENTRY_OVERHEAD
    const { maxEntries, maxBytes } = this.settings
    if (size > maxBytes) return undefined
    while (this.#entries >= maxEntries || this.#bytes + size > maxBytes) {
      const victim = this.#victim()
      if (victim === undefined) break
      // TinyLFU: a newcomer asked for less often than the entry it would push out stays out.
      if (this.#sketch.frequency(ticket.hash) <= this.#sketch.frequency(victim[1].hash)) return undefined
      this.#remove(victim[0], victim[1])
    }
    const entry: LocalEntry = {
      handout: keep.handout,
      value: keep.value,
      frame: keep.frame,
      size,
      expiresAt: now + ttlMs,
      store,
      node: node.name,
      hash: ticket.hash,
      visited: false,
    }
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
    if (isEntry(slot)) this.#remove(key, slot)
    else this.#slots.delete(key)
  }

  /** Drops what one store keeps (its invalidateAll), tickets of every store included (they can't tell their store). */
  dropStore(store: string): void {
    for (const [key, slot] of this.#slots) {
      if (!isEntry(slot)) this.#slots.delete(key)
      else if (slot.store === store) this.#remove(key, slot)
    }
  }

  /** Drops every entry for which `test` says so (read from a node whose tracking was lost, or whose slots moved). */
  dropWhere(test: (key: string, entry: LocalEntry) => boolean): void {
    for (const [key, slot] of this.#slots) {
      if (isEntry(slot) && test(key, slot)) this.#remove(key, slot)
    }
  }

  /** Drops everything (FLUSHALL, FLUSHDB, or closing). */
  clear(): void {
    this.#slots.clear()
    this.#hand = this.#slots.entries()
    this.#entries = 0
    this.#bytes = 0
  }

  /**
   * The CLOCK hand: a Map iterator kept between evictions (it survives deletions and rehashes,
   * and reaches what is added behind it), wrapping round at the end. It passes an entry asked for
   * since its last pass (clearing the flag: a second chance) and stops at the first one that was not.
   */
  #victim(): [string, LocalEntry] | undefined {
    for (let steps = 0, limit = 2 * this.#slots.size + 2; steps < limit; steps++) {
      let next = this.#hand.next()
      if (next.done) {
        this.#hand = this.#slots.entries()
        next = this.#hand.next()
        if (next.done) return undefined
      }
      const [key, slot] = next.value
      if (!isEntry(slot)) continue
      if (!slot.visited) return [key, slot]
      slot.visited = false
    }
    return undefined
  }

  #remove(key: string, entry: LocalEntry): void {
    this.#slots.delete(key)
    this.#entries--
    this.#bytes -= entry.size
  }
}

function isEntry(slot: LocalEntry | Ticket): slot is LocalEntry {
  return (slot as LocalEntry).handout !== undefined
}
