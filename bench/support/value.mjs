import { Packr } from 'msgpackr'

// The same msgpackr settings as cacheme's default codec, so "raw GET + decode" decodes exactly
// what cacheme decodes.
export const packr = new Packr({ moreTypes: true, useRecords: true, mapsAsObjects: false })

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
