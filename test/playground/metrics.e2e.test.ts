import { mkdir } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './chromium.js'
import { startApp, type AppProcess } from '../../playground/dist/server/app-process.js'
import { startWebServer, type WebServer } from '../../playground/dist/server/web-server.js'

const POLL_MS = 400
const STORES = ['book:<<bookID>>:comments', 'book:<<id>>', 'comment:<<id>>']

/** The counts the page's legend shows for each store. */
function legends(page: Page): Promise<Record<string, Record<string, number>>> {
  return page
    .locator('#charts figure')
    .evaluateAll((figures) =>
      Object.fromEntries(
        figures.map((f) => [
          f.getAttribute('data-store')!,
          Object.fromEntries(
            [...f.querySelectorAll('.legend [data-op]')].map((s) => [s.getAttribute('data-op')!, Number(s.textContent!.split(' ')[1])]),
          ),
        ]),
      ),
    )
}

/** Resolves after the page has taken a scrape that started after this call. */
async function nextScrapes(page: Page, count = 2): Promise<void> {
  const now = Number(await page.locator('#charts').getAttribute('data-samples'))
  // A string: the suite's own tsconfig has no DOM types.
  await page.waitForFunction(`Number(document.getElementById('charts').dataset.samples) >= ${now + count}`, undefined, { timeout: 10_000 })
}

async function fireBurst(page: Page, n: number): Promise<void> {
  await page.locator('#burst').click()
  await page.waitForFunction(`document.getElementById('metrics-status').dataset.bursts === '${n}'`, undefined, { timeout: 15_000 })
}

/** `cacheme_operations_total` from the app's /metrics, by store and counter name. */
async function scrape(app: AppProcess): Promise<Record<string, Record<string, number>>> {
  const text = await (await fetch(new URL('metrics', app.url))).text()
  const out: Record<string, Record<string, number>> = {}
  const names: Record<string, string> = { hit: 'hits', miss: 'misses', fetch: 'fetches' }
  for (const [, store, op, value] of text.matchAll(/^cacheme_operations_total\{store="([^"]*)",op="(\w+)"\} (\d+)$/gm)) {
    if (names[op!]) (out[store!] ??= {})[names[op!]!] = Number(value)
  }
  return out
}

describe("the playground page charts the example app's /metrics", () => {
  let app: AppProcess
  let web: WebServer
  let browser: Browser
  let page: Page
  beforeAll(async () => {
    app = await startApp({ port: 0, host: '127.0.0.1' })
    web = await startWebServer({ port: 0, host: '127.0.0.1', app: app.url })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1440, height: 1400 } })
    await page.goto(`${web.url}?poll=${POLL_MS}`)
    await page
      .locator('#metrics-status')
      .filter({ hasText: /^scraping / })
      .waitFor({ timeout: 10_000 })
  })
  afterAll(async () => {
    await browser?.close()
    await web?.close()
    await app?.stop()
  })

  it('before any request: the app has no store yet, so there is no chart', async () => {
    await nextScrapes(page, 1)
    expect(await page.locator('#charts figure').count()).toBe(0)
  })

  it('a burst of requests shows up per store: hits, misses and fetches, as the app counts them', async () => {
    await fireBurst(page, 1)
    expect(await page.locator('#metrics-status').textContent()).toMatch(/^burst done: 60 requests in \d+ ms \(.*× 200/)
    await nextScrapes(page)
    const shown = await legends(page)
    expect(Object.keys(shown).sort()).toEqual(STORES)
    // Nothing ran since the last scrape: the legend is exactly what /metrics says now.
    expect(shown).toEqual(await scrape(app))
    expect(shown['book:<<id>>']!.fetches).toBeGreaterThan(0)
    expect(shown['book:<<id>>']!.hits).toBeGreaterThan(0)
    // The burst is a spike: some point of the hits line stands above the chart's baseline.
    const heights = await page.locator('figure[data-store="book:<<id>>"] polyline[data-op="hits"]').evaluate((line) =>
      (line.getAttribute('points') ?? '')
        .split(' ')
        .filter(Boolean)
        .map((p: string) => Number(p.split(',')[1])),
    )
    expect(Math.min(...heights)).toBeLessThan(Math.max(...heights))
  })

  it('a second burst, after the cache is warm, adds mostly hits; a screenshot goes to test-results', async () => {
    const before = await legends(page)
    await nextScrapes(page, 3) // a gap between the two spikes
    await fireBurst(page, 2)
    await nextScrapes(page)
    const after = await legends(page)
    expect(after).toEqual(await scrape(app))
    const added = (op: string) => STORES.reduce((sum, s) => sum + after[s]![op]! - (before[s]?.[op] ?? 0), 0)
    expect(added('hits')).toBeGreaterThan(added('fetches'))
    await nextScrapes(page, 3)
    await mkdir('test-results', { recursive: true })
    await page.locator('#metrics-panel').screenshot({ path: 'test-results/playground-metrics.png' })
  })
})

describe('the page without an example app beside it', () => {
  it('says so, and offers no burst', async () => {
    const web = await startWebServer({ port: 0, host: '127.0.0.1' })
    const browser = await launchChromium()
    try {
      const page = await browser.newPage()
      await page.goto(web.url)
      await page.locator('#metrics-status').filter({ hasText: 'no example app beside this page' }).waitFor({ timeout: 10_000 })
      expect(await page.locator('#burst').isDisabled()).toBe(true)
    } finally {
      await browser.close()
      await web.close()
    }
  })
})
