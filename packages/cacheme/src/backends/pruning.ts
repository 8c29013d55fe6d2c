/** One write in this many asks its script to prune the sets it lists the key in. */
const PRUNE_EVERY = 32
/**
 * How many members of each set such a write re-checks at most: twice what the writes in
 * between can have added, so pruning keeps up with a set whose keys expire as fast as they come.
 */
const PRUNE_COUNT = 2 * PRUNE_EVERY
/** A key without expiry is re-checked this long after it was listed (it may be deleted by then). */
const RECHECK_MS = 3_600_000

/**
 * When the scripts prune the sets that list keys (herd/listing.ts): not on every write (a
 * cold get used to run 5 commands on its index twice), but every PRUNE_EVERY-th write of this
 * client, at most PRUNE_COUNT members per set. Each set is pruned in proportion to how often
 * keys are added to it, which is how fast it can grow.
 */
export class Pruning {
  #writes = 0

  /** The prune count for the next write's script: '0' (none) most of the time. */
  next(): string {
    this.#writes = (this.#writes + 1) % PRUNE_EVERY
    return this.#writes === 0 ? String(PRUNE_COUNT) : '0'
  }
}

/** A member's score: when its key should expire by this client's clock (a hint; pruning checks the key). */
export function scoreOf(now: number, ttlMs: number): number {
  return now + (ttlMs > 0 ? ttlMs : RECHECK_MS)
}
