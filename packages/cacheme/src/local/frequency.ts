/**
 * TinyLFU's admission filter: a count-min sketch of how often each key was asked for lately
 * (4 counters per key, each capped at 15, all halved every `10 × capacity` accesses so the past
 * fades). Past the tier's bounds a newcomer is kept only if it was asked for more often than the
 * entry it would evict: on a skewed (Zipf) workload one-off keys no longer push hot ones out.
 * bench/local-eviction.mjs measures it against plain LRU (bench/results/local.md).
 */
export class FrequencySketch {
  readonly #table: Uint8Array
  readonly #mask: number
  readonly #resetAt: number
  #additions = 0

  constructor(capacity: number) {
    let size = 64
    while (size < capacity * 2 && size < 1 << 24) size <<= 1
    this.#table = new Uint8Array(size)
    this.#mask = size - 1
    this.#resetAt = Math.max(64, capacity * 10)
  }

  increment(hash: number): void {
    const t = this.#table
    for (let i = 0; i < 4; i++) {
      const at = this.#index(hash, i)
      if (t[at]! < 15) t[at] = t[at]! + 1
    }
    if (++this.#additions >= this.#resetAt) this.#halve()
  }

  frequency(hash: number): number {
    let min = 15
    for (let i = 0; i < 4; i++) min = Math.min(min, this.#table[this.#index(hash, i)]!)
    return min
  }

  #index(hash: number, i: number): number {
    // Four cheap, independent-enough positions from one 32-bit hash.
    const h = Math.imul(hash ^ (hash >>> (8 * i + 1)), 0x9e3779b1 + i * 0x7f4a7c15)
    return (h ^ (h >>> 15)) & this.#mask
  }

  #halve(): void {
    const t = this.#table
    for (let i = 0; i < t.length; i++) t[i] = t[i]! >> 1
    this.#additions = Math.floor(this.#additions / 2)
  }
}

/** FNV-1a over a string's UTF-16 code units: cheap, and enough to spread keys over the sketch. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return h >>> 0
}
