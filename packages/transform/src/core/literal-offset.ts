/**
 * Where character `index` of a string literal's value sits in the source: `raw` is the literal's
 * source text without its quotes (or backticks), `rawStart` its offset. Escapes (`\n`, `\x41`, `\u{1F600}`,
 * line continuations) make value and source offsets differ; this walks the escapes.
 */
export function sourceOffsetOf(raw: string, rawStart: number, index: number): number {
  let cooked = 0
  let i = 0
  while (i < raw.length) {
    if (cooked >= index) return rawStart + i
    if (raw[i] === '\r' && raw[i + 1] === '\n') {
      // In a template literal a CRLF is one character of the value (a LF).
      i += 2
      cooked += 1
      continue
    }
    if (raw[i] !== '\\') {
      const code = raw.codePointAt(i)!
      const width = code > 0xffff ? 2 : 1
      i += width
      cooked += width
      continue
    }
    const next = raw[i + 1]
    if (next === 'x') {
      i += 4
      cooked += 1
    } else if (next === 'u') {
      const braced = raw[i + 2] === '{'
      const end = braced ? raw.indexOf('}', i) + 1 : i + 6
      const code = braced ? parseInt(raw.slice(i + 3, end - 1), 16) : parseInt(raw.slice(i + 2, end), 16)
      i = end
      cooked += code > 0xffff ? 2 : 1
    } else if (next === '\r' || next === '\n' || next === '\u2028' || next === '\u2029') {
      i += next === '\r' && raw[i + 2] === '\n' ? 3 : 2
    } else {
      i += 2
      cooked += 1
    }
  }
  return rawStart + i
}
