/** A small seeded PRNG (mulberry32): the property tests see the same values on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Plain characters, every reserved one, whitespace, '~' (the encoder's marker), '=', '/', '+',
// '%', quotes, non-ASCII letters, an emoji (surrogate pair) and a NUL.
const ALPHABET = [...'abcXYZ019_.-', ...':*?[]{}', ' ', '\t', '\n', '~', '=', '/', '+', '%', '"', "'", 'é', 'ß', '中', '😀', '\u0000']

/** `count` distinct strings: plain ids, reserved characters, unicode, the empty string. */
export function randomParamValues(count: number, seed: number): string[] {
  const random = mulberry32(seed)
  const values = new Set<string>(['', '~', '~~', 'a', 'a:b', 'YQ', '~YQ'])
  while (values.size < count) {
    const length = 1 + Math.floor(random() * 12)
    let text = ''
    for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)]
    values.add(text)
  }
  return [...values]
}
