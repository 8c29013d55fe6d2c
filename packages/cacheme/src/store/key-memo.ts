/** How many keys a store remembers; past that it starts over (a bound, not a cache policy). */
export const KEY_MEMO_SIZE = 1024
/** After a full memo served fewer hits than it holds, this many keys are built without it. */
const PAUSE = KEY_MEMO_SIZE * 16

/**
 * The full keys of a single-placeholder store with a fixed version, by param value. A key built
 * by concatenation is a fresh string that every Map lookup (singleflight, batching) must flatten
 * and hash again; handing out the same string object for the same id makes a hit on a hot key
 * skip rendering and hashing. Holds key strings only, never values; bound to one client (the
 * prefix is the client's). When ids hardly repeat, remembering costs more than it saves, so the
 * memo pauses.
 */
export class KeyMemo {
  private readonly keys = new Map<string | number, string>()
  private client: object | undefined
  private hits = 0
  private paused = 0

  /** The remembered key of `value` on `client`; undefined: build it, then `remember` it. */
  find(client: object, value: string | number): string | undefined {
    // The client first: a paused memo must not remember another client's key under this one.
    if (this.client !== client) {
      this.keys.clear()
      this.client = client
    }
    if (this.paused > 0) {
      this.paused--
      return undefined
    }
    const key = this.keys.get(value)
    if (key !== undefined) this.hits++
    return key
  }

  remember(value: string | number, key: string): void {
    if (this.paused > 0) return
    if (this.keys.size >= KEY_MEMO_SIZE) {
      if (this.hits < KEY_MEMO_SIZE) this.paused = PAUSE
      this.keys.clear()
      this.hits = 0
    }
    this.keys.set(value, key)
  }
}
