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
  // The mappings are ASCII: written as bytes, decoded once (string concatenation per segment costs several times more).
  let bytes: Uint8Array = new Uint8Array(Math.max(64, code.length * 2))
  let n = 0
  // Generated column, and the previous segment's fields (VLQ deltas: columns per line, the rest across lines).
  let column = 0
  let lastColumn = 0
  let lastLine = 0
  let lastOriginalColumn = 0
  let lineHasSegment = false
  const put = (value: number) => {
    let v = value < 0 ? (-value << 1) | 1 : value << 1
    do {
      let digit = v & 31
      v >>>= 5
      if (v > 0) digit |= 32
      bytes[n++] = BASE64[digit]!
    } while (v > 0)
  }
  const segment = (line: number, originalColumn: number) => {
    // At most 1 + 4 VLQs of 7 bytes each.
    if (n + 29 > bytes.length) bytes = grow(bytes)
    if (lineHasSegment) bytes[n++] = COMMA
    put(column - lastColumn)
    bytes[n++] = A
    put(line - lastLine)
    put(originalColumn - lastOriginalColumn)
    lastColumn = column
    lastLine = line
    lastOriginalColumn = originalColumn
    lineHasSegment = true
  }
  const newLine = () => {
    if (n + 1 > bytes.length) bytes = grow(bytes)
    bytes[n++] = SEMICOLON
    column = 0
    lastColumn = 0
    lineHasSegment = false
  }
  for (const piece of pieces) {
    if (piece.text !== undefined) {
      const { text } = piece
      const at = piece.start >= 0 ? locate(starts, piece.start) : undefined
      let from = 0
      for (let nl = text.indexOf('\n'); ; nl = text.indexOf('\n', from)) {
        if (at && (nl === -1 ? from < text.length : nl > from)) segment(at.line, at.column)
        if (nl === -1) break
        newLine()
        from = nl + 1
      }
      column += text.length - from
      continue
    }
    let { line, column: originalColumn } = locate(starts, piece.start)
    let first = true
    let previousWord = false
    for (let i = piece.start; i < piece.end; i++) {
      const c = code.charCodeAt(i)
      if (c === 10) {
        newLine()
        line++
        originalColumn = 0
        first = true
        previousWord = false
        continue
      }
      const word = isWordChar(c)
      if (first || (word ? !previousWord : c !== 32 && c !== 9 && c !== 13)) segment(line, originalColumn)
      previousWord = word
      first = false
      column++
      originalColumn++
    }
  }
  return LATIN1.decode(bytes.subarray(0, n))
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

function locate(starts: readonly number[], offset: number): { line: number; column: number } {
  const line = lineIndex(starts, offset)
  return { line, column: offset - starts[line]! }
}

const BASE64 = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')
const [A, COMMA, SEMICOLON] = [65, 44, 59] as const
/** The mappings' bytes are ASCII, which latin1 decodes one to one. */
const LATIN1 = new TextDecoder('latin1')
