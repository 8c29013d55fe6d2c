import { CHARTED_OPS, type StoreCounts } from './prometheus.js'

/** One scrape of the app's /metrics. */
export interface Sample {
  at: number
  stores: Map<string, StoreCounts>
}

const SVG = 'http://www.w3.org/2000/svg'
const WIDTH = 360
const HEIGHT = 120
const PAD = { left: 34, right: 8, top: 8, bottom: 18 }
/** How much history the chart shows at most; less while there is less, but never under 10 s. */
export const WINDOW_MS = 60_000
const MIN_WINDOW_MS = 10_000

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value))
  return node
}

/** Per-second rates of one counter between consecutive samples: [time, rate] pairs. */
function rates(samples: Sample[], store: string, field: keyof StoreCounts): [number, number][] {
  const out: [number, number][] = []
  for (let i = 1; i < samples.length; i++) {
    const before = samples[i - 1]!
    const after = samples[i]!
    const delta = (after.stores.get(store)?.[field] ?? 0) - (before.stores.get(store)?.[field] ?? 0)
    out.push([after.at, (Math.max(delta, 0) * 1000) / Math.max(after.at - before.at, 1)])
  }
  return out
}

/**
 * A small line chart per store: hits, misses and fetches per second over the last minute, and
 * the cumulative counts in the legend. Plain SVG, redrawn on every sample.
 */
export function renderCharts(container: HTMLElement, samples: Sample[]): void {
  const latest = samples.at(-1)
  if (!latest) return
  const now = latest.at
  const windowMs = Math.min(WINDOW_MS, Math.max(MIN_WINDOW_MS, now - samples[0]!.at))
  const stores = [...latest.stores.keys()].sort()
  container.dataset.samples = String(samples.length)
  container.replaceChildren(
    ...stores.map((store) => {
      const series = CHARTED_OPS.map(({ op, field }) => ({ op, field, points: rates(samples, store, field) }))
      const top = Math.max(1, ...series.flatMap((s) => s.points.map(([, rate]) => rate)))
      const x = (at: number) => PAD.left + ((at - (now - windowMs)) / windowMs) * (WIDTH - PAD.left - PAD.right)
      const y = (rate: number) => HEIGHT - PAD.bottom - (rate / top) * (HEIGHT - PAD.top - PAD.bottom)

      const figure = document.createElement('figure')
      figure.className = 'store-chart'
      figure.dataset.store = store
      const caption = document.createElement('figcaption')
      const name = document.createElement('code')
      name.textContent = store
      const legend = document.createElement('span')
      legend.className = 'legend'
      for (const { op, field } of CHARTED_OPS) {
        const item = document.createElement('span')
        item.className = `op-${op}`
        item.dataset.op = field
        item.textContent = `${field} ${latest.stores.get(store)![field]}`
        legend.append(item)
      }
      caption.append(name, legend)

      const chart = svg('svg', {
        viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
        role: 'img',
        'aria-label': `${store}: hits, misses and fetches per second`,
      })
      const axis = svg('g', { class: 'axis' })
      axis.append(
        svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(0), y2: y(0) }),
        svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(top), y2: y(top), class: 'grid' }),
      )
      for (const [value, at] of [
        [top, y(top)],
        [0, y(0)],
      ] as const) {
        const label = svg('text', { x: PAD.left - 4, y: at + 4, 'text-anchor': 'end' })
        label.textContent = value >= 10 ? value.toFixed(0) : value.toFixed(1)
        axis.append(label)
      }
      const span = svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 4, 'text-anchor': 'end' })
      span.textContent = `per second, last ${Math.round(windowMs / 1000)} s`
      axis.append(span)
      chart.append(axis)
      for (const { op, field, points } of series) {
        const visible = points.filter(([at]) => at >= now - windowMs)
        chart.append(
          svg('polyline', {
            class: `op-${op}`,
            'data-op': field,
            fill: 'none',
            points: visible.map(([at, rate]) => `${x(at).toFixed(1)},${y(rate).toFixed(1)}`).join(' '),
          }),
        )
      }
      figure.append(caption, chart)
      return figure
    }),
  )
}
