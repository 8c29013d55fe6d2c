import type { AppInfo } from '../server/api-types.js'
import { burst } from './burst.js'
import { renderCharts, WINDOW_MS, type Sample } from './metrics-chart.js'
import { parseOperations } from './prometheus.js'

/** How often the page scrapes the app's /metrics (`?poll=ms` overrides it). */
const POLL_MS = Number(new URLSearchParams(location.search).get('poll')) || 1000
const BURST_REQUESTS = 60

export interface MetricsPanel {
  status: HTMLElement
  charts: HTMLElement
  burstButton: HTMLButtonElement
}

/** Scrapes the example app's /metrics and charts it; the button fires a burst of requests at the app. */
export async function startMetrics(panel: MetricsPanel): Promise<void> {
  const { url } = (await (await fetch('/api/app')).json()) as AppInfo
  if (url === null) {
    panel.status.textContent = 'no example app beside this page: `npm start` runs one'
    panel.burstButton.disabled = true
    return
  }
  panel.status.textContent = `scraping ${url}metrics every ${POLL_MS} ms`
  const samples: Sample[] = []
  const scrape = async () => {
    try {
      const response = await fetch('/app/metrics')
      if (!response.ok) throw new Error(`/metrics answered ${response.status}`)
      samples.push({ at: Date.now(), stores: parseOperations(await response.text()) })
      // One sample older than the window keeps the first visible rate.
      while (samples.length > 2 && samples[1]!.at < Date.now() - WINDOW_MS) samples.shift()
      renderCharts(panel.charts, samples)
      panel.status.className = ''
    } catch (error) {
      panel.status.textContent = `the example app did not answer: ${(error as Error).message}`
      panel.status.className = 'failed'
    } finally {
      setTimeout(scrape, POLL_MS)
    }
  }
  void scrape()

  panel.burstButton.addEventListener('click', async () => {
    panel.burstButton.disabled = true
    panel.status.textContent = `burst: ${BURST_REQUESTS} requests…`
    try {
      const result = await burst(BURST_REQUESTS)
      const statuses = [...result.statuses]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${n} × ${status}`)
        .join(', ')
      panel.status.textContent = `burst done: ${result.requests} requests in ${result.ms} ms (${statuses})`
      panel.status.dataset.bursts = String(Number(panel.status.dataset.bursts ?? 0) + 1)
    } catch (error) {
      panel.status.textContent = `burst failed: ${(error as Error).message}`
      panel.status.className = 'failed'
    } finally {
      panel.burstButton.disabled = false
    }
  })
}
