/**
 * Offsets where the lines of a text start. Lines end at LF (CRLF included); with `loneCr`, at a
 * lone CR too, as editors and the diagnostics count them (source maps count LFs only).
 */
export function lineStarts(text: string, loneCr: boolean): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  if (!loneCr || !text.includes('\r')) return starts
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) starts.push(i + 1)
  return starts.sort((a, b) => a - b)
}

/** The 0-based line of `offset`, by its line starts. */
export function lineIndex(starts: readonly number[], offset: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid]! <= offset) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** Maps offsets of a text to 1-based line and column (columns count UTF-16 units, as editors do); the line table is built on first use. */
export function lineLocator(text: string): (offset: number) => { line: number; column: number } {
  let starts: number[] | undefined
  return (offset) => {
    starts ??= lineStarts(text, true)
    const line = lineIndex(starts, offset)
    return { line: line + 1, column: offset - starts[line]! + 1 }
  }
}
