import { SourceMap, type Piece } from './source-map.js'

/** Printed code: text, and ranges of the module's source to move into place. */
export type Segment = string | { start: number; end: number }

/** A range of the source replaced by `text` (empty: removed), or moved away to the insertion point. */
interface Op {
  start: number
  end: number
  /** Replacement text; undefined for a range that moves. */
  text: string | undefined
}

/**
 * The edits of one module, applied in one pass: ranges replaced, removed or moved to one
 * insertion point (after the imports). What magic-string did for the compiler, without its
 * chunk list (a split per edit), and with the source map built only when it is asked for. The
 * edits of a call site nested in a moved range move with it.
 */
export class TextEdits {
  readonly #code: string
  readonly #ops: Op[] = []
  #at = 0
  readonly #inserted: Segment[] = []

  constructor(code: string) {
    this.#code = code
  }

  /** Where insert() puts its text and moved ranges: before any edit at that offset. */
  insertAt(at: number): void {
    this.#at = at
  }

  /** Adds text (unmapped) and ranges of the source (moved there, with their mappings) at the insertion point, in order. */
  insert(segments: readonly Segment[]): void {
    for (const segment of segments) {
      if (typeof segment !== 'string') this.#ops.push({ start: segment.start, end: segment.end, text: undefined })
      const last = this.#inserted.length - 1
      if (typeof segment === 'string' && typeof this.#inserted[last] === 'string') this.#inserted[last] += segment
      else this.#inserted.push(segment)
    }
  }

  /** Replaces a range; the new text maps to the range's start. */
  replace(start: number, end: number, text: string): void {
    this.#ops.push({ start, end, text })
  }

  remove(start: number, end: number): void {
    if (start < end) this.#ops.push({ start, end, text: '' })
  }

  /** The edited code, and its source map built on first read (or null without one). */
  apply(file: string, sourceMap: boolean): { code: string; readonly map: SourceMap | null } {
    // Outer ranges first: a moved range before the edits inside it.
    const ops = this.#ops.sort((a, b) => a.start - b.start || b.end - a.end)
    const pieces: Piece[] = []
    const code = this.#code
    /** Renders the source from `from` to `to` with its edits; `top`: the whole module, where the insertion goes. */
    const render = (from: number, to: number, top: boolean): void => {
      let cursor = from
      let pending = top
      for (let i = lowerBound(ops, from); i < ops.length; i++) {
        const op = ops[i]!
        if (op.start >= to) break
        // Inside an op already rendered (a moved range, or the replaced text around it), or the
        // moved range being rendered itself.
        if (op.start < cursor || (op.start === from && op.end === to && op.text === undefined && !top)) continue
        if (pending && this.#at <= op.start) {
          this.#emitInsertion(pieces, cursor, render)
          cursor = Math.max(cursor, this.#at)
          pending = false
        }
        if (cursor < op.start) pieces.push({ start: cursor, end: op.start, text: undefined })
        if (op.text !== undefined && op.text !== '') pieces.push({ start: op.start, end: op.start, text: op.text })
        cursor = op.end
      }
      if (pending) {
        this.#emitInsertion(pieces, cursor, render)
        cursor = Math.max(cursor, this.#at)
      }
      if (cursor < to) pieces.push({ start: cursor, end: to, text: undefined })
    }
    render(0, code.length, true)
    const out = pieces.map((piece) => piece.text ?? code.slice(piece.start, piece.end)).join('')
    if (!sourceMap) return { code: out, map: null }
    let map: SourceMap | undefined
    return {
      code: out,
      get map() {
        return (map ??= new SourceMap(code, file, pieces))
      },
    }
  }

  #emitInsertion(pieces: Piece[], cursor: number, render: (from: number, to: number, top: boolean) => void): void {
    if (cursor < this.#at) pieces.push({ start: cursor, end: this.#at, text: undefined })
    for (const segment of this.#inserted) {
      // Inserted text maps nowhere (start -1); a moved range keeps its own mappings.
      if (typeof segment === 'string') pieces.push({ start: -1, end: -1, text: segment })
      else render(segment.start, segment.end, false)
    }
  }
}

/** The first op starting at or after `offset`. */
function lowerBound(ops: readonly Op[], offset: number): number {
  let lo = 0
  let hi = ops.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (ops[mid]!.start < offset) lo = mid + 1
    else hi = mid
  }
  return lo
}
