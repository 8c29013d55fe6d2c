/** Number formatting shared by the console table, the Markdown and the SVG. */
export function fmtInt(n) {
  return Math.round(n).toLocaleString('en-US')
}

export function fmtMs(ms) {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)
}

export function fmtRatio(r) {
  return Number.isFinite(r) ? `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×` : '–'
}

export function fmtSpread(summary) {
  return `±${summary.spreadPct.toFixed(0)}%`
}

export function fmtBytes(b) {
  return b === undefined ? 'n/a' : `${fmtInt(b)} B`
}

/** A Markdown table (also what the console prints). */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}
