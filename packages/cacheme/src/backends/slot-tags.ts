import calculateSlot from 'cluster-key-slot'

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
let tags: string[] | undefined

/**
 * A short hash tag for each of the 16384 cluster slots: `{tag}` in a key puts that key in the
 * slot. A store's index entry for a key goes into an index key tagged with the key's slot, so
 * the herd's scripts can write value and index atomically (a script touches one slot). Found
 * once per process by trying 3-character strings (~160k CRC16s, a few ms).
 */
export function slotTag(slot: number): string {
  if (!tags) tags = findTags()
  return tags[slot]!
}

function findTags(): string[] {
  const found = new Array<string>(16384)
  let missing = 16384
  const n = ALPHABET.length
  for (let i = 0; i < n * n * n && missing > 0; i++) {
    const tag = ALPHABET[i % n]! + ALPHABET[Math.floor(i / n) % n]! + ALPHABET[Math.floor(i / (n * n))]!
    const slot = calculateSlot(tag)
    if (found[slot] === undefined) {
      found[slot] = tag
      missing--
    }
  }
  if (missing > 0) throw new Error(`cacheme: no hash tag found for ${missing} cluster slots`)
  return found
}
