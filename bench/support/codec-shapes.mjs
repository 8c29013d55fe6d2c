// The value shapes of the codec benchmarks (bench/codec.mjs, bench/codec-ab.mjs): 20 distinct
// values of each are decoded (and encoded) per round.
const WORDS = ['redis', 'cache', 'typescript', 'herd', 'lock', 'codec', 'frame', 'value', 'batch', 'node']
function record(i) {
  return {
    id: 100000 + i,
    title: `A title for record ${i}: ${WORDS[i % 10]} and ${WORDS[(i * 7) % 10]} in practice`,
    author: { id: 5000 + (i % 97), name: `Author Number ${i % 97}` },
    tags: [WORDS[i % 10], WORDS[(i + 3) % 10], WORDS[(i + 5) % 10]],
    createdAt: new Date(Date.UTC(2024, i % 12, 1 + (i % 28), 10, i % 60, 0)),
    score: Math.round((i * 37.5) % 1000) / 10,
    published: i % 3 !== 0,
  }
}
/** bench/support/value.mjs's bookValue: what `npm run bench` (d, warm) reads with getMany. JSON-safe. */
function book(id) {
  return {
    id,
    title: `The Book of ${id}`,
    author: { id: id % 97, name: 'A. Writer', verified: true },
    tags: ['fiction', 'classic', 'paperback'],
    price: 12.5,
    stock: 42,
    published: '2021-06-01T00:00:00.000Z',
  }
}
/** Every type the default codec promises beyond JSON (a JSON baseline parses its JSON.stringify form, which loses them). */
function rich(i) {
  return {
    ...record(i),
    map: new Map([
      ['a', i],
      [2, 'b'],
    ]),
    set: new Set([i, 'x']),
    big: 12345678901234567890n + BigInt(i),
    missing: undefined,
    bytes: Buffer.from([i, 1, 2, 3]),
  }
}

export const SHAPES = {
  'book (bench d, JSON-safe, ~200 B)': (i) => book(i),
  'wide record (JSON-safe, 20 keys, ~400 B)': (i) =>
    Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`field_${k}`, k % 3 ? `${WORDS[(i + k) % 10]} ${i}` : i * 20 + k])),
  'dictionary (JSON-safe, 20 ids to counts)': (i) => Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`user${i * 1000 + k}`, k])),
  'tag list (JSON-safe, record + 10 strings)': (i) => ({
    id: i,
    title: `t${i}`,
    tags: Array.from({ length: 10 }, (_, k) => `${WORDS[k]}-${i % 7}`),
  }),
  'article (JSON-safe, record + 2 KB text)': (i) => ({ id: i, title: `Post ${i}`, body: `${WORDS.join(' ')} `.repeat(30) + i }),
  'record with a Date (~250 B)': (i) => record(i),
  'rich (record + Map, Set, BigInt, undefined, Buffer)': (i) => rich(i),
  number: (i) => i * 1.5 + 7,
  'short string': (i) => `user-${i}-name`,
  'large (10 KB, 40 records)': (i) => Array.from({ length: 40 }, (_, j) => record(i * 40 + j)),
  'large JSON-safe (10 KB, 50 books)': (i) => Array.from({ length: 50 }, (_, j) => book(i * 50 + j)),
}
