import { fmtInt, fmtRatio } from './format.mjs'

const COLORS = { cacheme: '#d9480f', baseline: '#868e96', peer: '#4263eb' }
const WIDTH = 760
const LABEL_W = 190
const BAR_H = 18
const GAP = 6

function escape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * A hand-written SVG bar chart: one panel per throughput-like scenario, a bar per contestant,
 * length = ratio to raw ioredis GET+decode (the dashed line at 1×), labelled with the value.
 * `panels`: [{ title, bars: [{ label, ratio, value, kind: 'cacheme'|'baseline'|'peer' }] }]
 */
export function barChart(title, panels) {
  const parts = []
  let y = 34
  parts.push(`<text x="12" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`)
  for (const panel of panels) {
    y += 12
    parts.push(`<text x="12" y="${y + 12}" font-size="13" font-weight="bold">${escape(panel.title)}</text>`)
    y += 22
    const max = Math.max(1, ...panel.bars.map((b) => b.ratio).filter(Number.isFinite))
    const scale = (WIDTH - LABEL_W - 180) / max
    const one = LABEL_W + scale
    // The 1× line first, so bars and labels are drawn over it.
    parts.push(
      `<line x1="${one.toFixed(1)}" y1="${y - 4}" x2="${one.toFixed(1)}" y2="${y + panel.bars.length * (BAR_H + GAP) - GAP + 4}" stroke="#212529" stroke-dasharray="4 3"/>`,
    )
    for (const bar of panel.bars) {
      const w = Math.max(1, (Number.isFinite(bar.ratio) ? bar.ratio : 0) * scale)
      parts.push(`<text x="${LABEL_W - 8}" y="${y + 13}" font-size="12" text-anchor="end">${escape(bar.label)}</text>`)
      parts.push(`<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${COLORS[bar.kind]}"/>`)
      parts.push(
        `<text x="${(LABEL_W + w + 6).toFixed(1)}" y="${y + 13}" font-size="12">${escape(`${fmtRatio(bar.ratio)}  ${bar.value}`)}</text>`,
      )
      y += BAR_H + GAP
    }
  }
  y += 10
  parts.push(
    `<text x="12" y="${y + 8}" font-size="11" fill="#495057">bar length: ratio to raw ioredis GET+decode (dashed line = 1×); orange: cacheme, grey: ioredis baselines, blue: peers</text>`,
  )
  const height = y + 20
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`
}

/** The chart of one run: (a) and (b) ops/s, (d) getMany speed on standalone and cluster. */
export function resultsChart(results) {
  const kind = (r) => (r.contestant.startsWith('cacheme') ? 'cacheme' : r.baseline ? 'baseline' : 'peer')
  const panels = []
  const throughputPanel = (title, rows) => {
    const raw = rows.find((r) => r.contestant === 'ioredis GET+decode').opsPerSec.median
    panels.push({
      title,
      bars: rows.map((r) => ({
        label: r.contestant,
        ratio: r.opsPerSec.median / raw,
        value: `${fmtInt(r.opsPerSec.median)} ops/s`,
        kind: kind(r),
      })),
    })
  }
  if (results.a) throughputPanel('(a) 10 hot keys, 100 parallel loops: ops/s', results.a)
  if (results.b) throughputPanel('(b) 100,000 distinct keys, 100 parallel loops: ops/s', results.b)
  if (results.d) {
    for (const topology of ['standalone', 'cluster']) {
      const rows = results.d.filter((r) => r.topology === topology)
      const raw = rows.find((r) => r.contestant === 'ioredis GET+decode').ms.median
      panels.push({
        title: `(d) batch read of 100 keys, ${topology}: speed (1 / ms)`,
        bars: rows.map((r) => ({ label: r.contestant, ratio: raw / r.ms.median, value: `${r.ms.median.toFixed(2)} ms`, kind: kind(r) })),
      })
    }
  }
  return barChart('cacheme benchmark: ratio to raw ioredis (higher is better)', panels)
}
