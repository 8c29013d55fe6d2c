import { mkdir } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './chromium.js'
import { startWebServer, type WebServer } from '../../playground/dist/server/web-server.js'

const emitted = (page: Page) => page.locator('#emitted .cm-content')

/** Resolves when `selector` shows text matching `text` (Playwright watches the DOM; no sleeps). */
function waitForText(page: Page, selector: string, text: RegExp | string, timeout = 10_000): Promise<void> {
  return page.locator(selector).filter({ hasText: text }).first().waitFor({ timeout })
}

/** Replaces the editor's text the way a paste does: through CodeMirror's own input handling. */
async function setSource(page: Page, text: string): Promise<void> {
  await page.locator('#source .cm-content').click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.insertText(text)
}

describe('the playground page in Chromium', () => {
  let web: WebServer
  let browser: Browser
  let page: Page
  beforeAll(async () => {
    web = await startWebServer({ port: 0, host: '127.0.0.1' })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await page.goto(web.url)
    await waitForText(page, '#emit-status', /^(transformed|nothing to transform)$/)
  })
  afterAll(async () => {
    await browser?.close()
    await web?.close()
  })

  it('shows the code the transform emits for a template as it is typed', async () => {
    await setSource(
      page,
      `import { cached } from 'cacheme'

const fetchArticle = async ({ slug }: { slug: string }) => ({ slug, words: 1200 })

export const article = (slug: string) => cached('article:<<slug>>', fetchArticle, '30s').get({ slug })
`,
    )
    await page.keyboard.type("\nexport const draft = (slug: string) => cached('draft:<<slug>>', fetchArticle, 60).get({ slug })")
    // The emitted module carries the new template, rewritten: the call site no longer calls cached().
    await waitForText(page, '#emitted .cm-content', 'draft:<<slug>>')
    const code = (await emitted(page).textContent())!
    expect(code).toContain('article:<<slug>>')
    expect(code).not.toMatch(/cached\('draft:<<slug>>'/)
    expect(await page.locator('#emit-status').textContent()).toBe('transformed')
    expect(await page.locator('#diagnostics li').count()).toBe(0)
  })

  it("shows a malformed template's diagnostic with its line", async () => {
    await setSource(
      page,
      `import { cached } from 'cacheme'

const fetchUser = async ({ id }: { id: string }) => ({ id })

export const user = (id: string) => cached('user:<<id', fetchUser, '1m').get({ id })
`,
    )
    const diagnostic = page.locator('#diagnostics li.error').first()
    await diagnostic.waitFor({ timeout: 10_000 })
    expect(await diagnostic.locator('.where').textContent()).toMatch(/^example\.ts:5:\d+$/)
    expect(await diagnostic.locator('.message').textContent()).toMatch(/<<|placeholder|template/i)
    expect(await page.locator('#emit-status').textContent()).toMatch(/error/)
  })

  it('runs an example on the embedded backend: MISS and FETCH, then HIT', async () => {
    await page.locator('nav button[data-example="get"]').click()
    await waitForText(page, '#emit-status', /^transformed$/)
    await page.locator('#run').click()
    await waitForText(page, '#run-status', /^finished in/, 15_000)
    const rows = await page
      .locator('#log tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent).slice(1)))
    expect(rows.slice(0, 3)).toEqual([
      ['MISS', 'comment:<<id>>', 'comment:1:v1'],
      ['FETCH', 'comment:<<id>>', 'comment:1:v1'],
      ['HIT', 'comment:<<id>>', 'comment:1:v1'],
    ])
    expect(await page.locator('#keys li code').allTextContents()).toEqual(['cacheme:comment:1:v1'])
    expect(await page.locator('#console').textContent()).toContain("text: 'First!'")
    await mkdir('test-results', { recursive: true })
    await page.screenshot({ path: 'test-results/playground.png' })
  })
})
