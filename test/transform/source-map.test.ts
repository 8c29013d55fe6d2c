import { readdirSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { transform } from '@cacheme/transform'

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url))
const rewritten = readdirSync(dir).filter((name) => {
  const result = transform(readFileSync(join(dir, name), 'utf8'), name)
  return result !== null && result.code !== readFileSync(join(dir, name), 'utf8')
})

const TOKEN = /[A-Za-z_$][\w$]*|\d+|'[^'\n]*'|`[^`\n]*`|[^\s\w]/g

/** Offsets of the fixture's cached() calls, callee to closing parenthesis (fixtures have no parens in strings). */
function callRanges(code: string): [number, number][] {
  const ranges: [number, number][] = []
  for (const match of code.matchAll(/(?:\bcacheme\.cached|\bcacheme\['cached'\]|\bcached|\bmemo)(?:<[^>]*>)?\(/g)) {
    let depth = 0
    let i = match.index! + match[0].length - 1
    for (; i < code.length; i++) {
      if (code[i] === '(') depth++
      else if (code[i] === ')' && --depth === 0) break
    }
    ranges.push([match.index!, i + 1])
  }
  return ranges
}

interface Token {
  text: string
  line: number
  column: number
}

function tokensOf(code: string): Token[] {
  return code.split('\n').flatMap((text, line) => [...text.matchAll(TOKEN)].map((m) => ({ text: m[0], line, column: m.index! })))
}

test.each(rewritten)('%s: every token outside the rewritten calls maps back to itself', (name) => {
  const code = readFileSync(join(dir, name), 'utf8')
  const result = transform(code, name)!
  const map = new SourceMap(JSON.parse(JSON.stringify(result.map)))
  const originalLines = code.split('\n')
  const reached = new Set<string>()
  for (const token of tokensOf(result.code)) {
    const entry = map.findEntry(token.line, token.column) as {
      originalLine?: number
      originalColumn?: number
      generatedLine?: number
      generatedColumn?: number
    }
    if (entry.originalLine === undefined || entry.generatedLine !== token.line || entry.generatedColumn !== token.column) continue
    const original = originalLines[entry.originalLine]!.slice(entry.originalColumn!, entry.originalColumn! + token.text.length)
    // Replacement text maps to the call it replaces; any other mapped token to the same text.
    if (original !== token.text && token.text.startsWith('__cacheme')) continue
    expect(original, `${token.text} at ${token.line + 1}:${token.column + 1}`).toBe(token.text)
    reached.add(`${entry.originalLine}:${entry.originalColumn}`)
  }
  // Every token outside the rewritten calls is reached by such a mapping.
  const calls = callRanges(code)
  const lineStarts = originalLines.map((_, i) => originalLines.slice(0, i).join('\n').length + (i > 0 ? 1 : 0))
  for (const token of tokensOf(code)) {
    const offset = lineStarts[token.line]! + token.column
    if (calls.some(([start, end]) => offset >= start && offset < end)) continue
    expect(reached.has(`${token.line}:${token.column}`), `${token.text} at ${token.line + 1}:${token.column + 1}`).toBe(true)
  }
})

test('a fetcher moved into a hoisted store keeps its own mappings', () => {
  const code = readFileSync(join(dir, 'hoisting-rules.ts'), 'utf8')
  const result = transform(code, 'hoisting-rules.ts')!
  const map = new SourceMap(JSON.parse(JSON.stringify(result.map)))
  const moved = 'async ({ id }: { id: string }) => db.get(id)'
  const generated = result.code.split('\n')
  const line = generated.findIndex((l) => l.startsWith('const __cacheme_a_id') && l.includes(moved))
  expect(line).toBeGreaterThan(0)
  const original = code.split('\n')
  for (const [offset, token] of [
    [0, 'async'],
    [moved.indexOf('db.get'), 'db'],
    [moved.indexOf('get('), 'get'],
  ] as const) {
    const entry = map.findEntry(line, generated[line]!.indexOf(moved) + offset) as { originalLine: number; originalColumn: number }
    expect(entry.originalLine).toBe(4)
    expect(original[4]!.slice(entry.originalColumn, entry.originalColumn + token.length)).toBe(token)
    expect(entry.originalColumn).toBe(original[4]!.indexOf(moved) + offset)
  }
})
