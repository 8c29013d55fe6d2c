import { lineIndex, lineStarts } from '../core/lines.js'

/**
 * A piece of the edited code, in output order: a range of the source kept as it is (`text`
 * undefined), text replacing a range and mapped to its start, or inserted text mapped nowhere
 * (`start` -1).
 */
export interface Piece {
  start: number
  end: number
  text: string | undefined
}

/**
 * A version 3 source map of one edited module (the shape magic-string's maps have, with
 * `toString()` and `toUrl()`). Every token of the source that survives the edits gets a mapping
 * of its own (a segment at each token start, none inside a word or in blanks), so a lookup
 * anywhere in a token finds that token's position.
 */
export class SourceMap {
  readonly version = 3
  readonly file: string
  readonly sources: string[]
  readonly sourcesContent: string[]
  readonly names: string[] = []
  readonly mappings: string

  constructor(code: string, file: string, pieces: readonly Piece[]) {
    const name = file.split(/[/\\]/).pop()!
    this.file = name
    this.sources = [name]
    this.sourcesContent = [code]
    this.mappings = mappingsOf(code, pieces)
  }

  toString(): string {
    return JSON.stringify(this)
  }

  toUrl(): string {
    return `data:application/json;charset=utf-8;base64,${Buffer.from(this.toString()).toString('base64')}`
  }
}

function mappingsOf(code: string, pieces: readonly Piece[]): string {
  const starts = lineStarts(code, false)
  // The mappings are ASCII: written as bytes, decoded once (string concatenation per segment
  // costs several times more). One loop of plain locals: closures over them would keep every
  // field in a context object, read and written through memory at each character.
  let bytes: Uint8Array = scratch(code.length * 2)
  let n = 0
  // Generated column, and the previous segment's fields (VLQ deltas: columns per line, the rest across lines).
  let column = 0
  let lastColumn = 0
  let lastLine = 0
  let lastOriginalColumn = 0
  let lineHasSegment = false
  for (const piece of pieces) {
    if (piece.text !== undefined) {
      const { text } = piece
      const mapped = piece.start >= 0
      const line = mapped ? lineIndex(starts, piece.start) : 0
      const originalColumn = mapped ? piece.start - starts[line]! : 0
      let from = 0
      for (let nl = text.indexOf('\n'); ; nl = text.indexOf('\n', from)) {
        if (mapped && (nl === -1 ? from < text.length : nl > from)) {
          if (n + SEGMENT_MAX > bytes.length) bytes = grow(bytes)
          n = segment(bytes, n, lineHasSegment, column - lastColumn, line - lastLine, originalColumn - lastOriginalColumn)
          lastColumn = column
          lastLine = line
          lastOriginalColumn = originalColumn
          lineHasSegment = true
        }
        if (nl === -1) break
        if (n + 1 > bytes.length) bytes = grow(bytes)
        bytes[n++] = SEMICOLON
        column = 0
        lastColumn = 0
        lineHasSegment = false
        from = nl + 1
      }
      column += text.length - from
      continue
    }
    let line = lineIndex(starts, piece.start)
    let originalColumn = piece.start - starts[line]!
    let first = true
    let previousWord = false
    for (let i = piece.start; i < piece.end; i++) {
      const c = code.charCodeAt(i)
      if (c === 10) {
        if (n + 1 > bytes.length) bytes = grow(bytes)
        bytes[n++] = SEMICOLON
        column = 0
        lastColumn = 0
        lineHasSegment = false
        line++
        originalColumn = 0
        first = true
        previousWord = false
        continue
      }
      const word = isWordChar(c)
      if (first || (word ? !previousWord : c !== 32 && c !== 9 && c !== 13)) {
        if (n + SEGMENT_MAX > bytes.length) bytes = grow(bytes)
        n = segment(bytes, n, lineHasSegment, column - lastColumn, line - lastLine, originalColumn - lastOriginalColumn)
        lastColumn = column
        lastLine = line
        lastOriginalColumn = originalColumn
        lineHasSegment = true
      }
      previousWord = word
      first = false
      column++
      originalColumn++
    }
  }
  const mappings = LATIN1.decode(bytes.subarray(0, n))
  SCRATCH = bytes
  return mappings
}

/** At most a comma and 4 VLQs of 7 bytes each. */
const SEGMENT_MAX = 29

/** Writes one segment (generated column, source 0, line, column: deltas) at `n`; returns the offset after it. */
function segment(bytes: Uint8Array, n: number, comma: boolean, column: number, line: number, originalColumn: number): number {
  if (comma) bytes[n++] = COMMA
  n = vlq(bytes, n, column)
  bytes[n++] = A
  n = vlq(bytes, n, line)
  return vlq(bytes, n, originalColumn)
}

/** Writes one base64 VLQ at `n`; returns the offset after it. */
function vlq(bytes: Uint8Array, n: number, value: number): number {
  let v = value < 0 ? (-value << 1) | 1 : value << 1
  do {
    let digit = v & 31
    v >>>= 5
    if (v > 0) digit |= 32
    bytes[n++] = BASE64[digit]!
  } while (v > 0)
  return n
}

/** One buffer for every map (a map is built synchronously, then decoded into a string): no allocation per map. */
let SCRATCH: Uint8Array = new Uint8Array(4096)

function scratch(size: number): Uint8Array {
  if (SCRATCH.length < size) SCRATCH = new Uint8Array(size)
  return SCRATCH
}

function grow(bytes: Uint8Array): Uint8Array {
  const bigger = new Uint8Array(bytes.length * 2)
  bigger.set(bytes)
  return bigger
}

/** Identifier characters and digits: a run of them is one token, one mapping. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127
}

const BASE64 = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')
const [A, COMMA, SEMICOLON] = [65, 44, 59] as const
/** The mappings' bytes are ASCII, which latin1 decodes one to one. */
const LATIN1 = new TextDecoder('latin1')
