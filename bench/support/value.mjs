import { msgpackCodec } from 'cacheme'

// The baselines ("raw ioredis GET + decode", the hand-rolled cache-aside) encode and decode with
// cacheme's own default codec (`msgpackCodec`, packages/cacheme/dist/codec/codec.js, re-exported
// by the package), on bytes they write themselves, unframed. Unframed on purpose: the baseline is
// what an application would write by hand with the same codec, and the 6-byte frame (and the
// check that tells cacheme's values from markers and foreign bytes) is part of what cacheme
// costs, so it belongs on cacheme's side of the comparison, not on the baseline's.
export const codec = msgpackCodec

/** A typical cached record (JSON-safe, so every contestant stores the same data). */
export function bookValue(id) {
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
