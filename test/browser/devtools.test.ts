import { mkdirSync, readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import type { ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/chromium'
import { serveFixture } from './server'

// Real Chromium (Debian's package), driven by playwright-core: the in-page panel over the
// fixture app, served by Vite from the sources.
let browser: Browser
let server: ViteDevServer
let url: string

beforeAll(async () => {
  ;({ server, url } = await serveFixture('devtools'))
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function open(query = '') {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url + query)
  await page.getByRole('heading', { name: 'Groceries' }).waitFor()
  return { page, errors }
}

const count = (page: Page) => page.getByTestId('count')
const items = (page: Page) => page.getByRole('list', { name: 'Items' }).locator('li')

describe('devtools in Chromium', () => {
  it('scrubs, skips, exports, re-imports and goes back to live', async () => {
    const { page, errors } = await open()
    for (const text of ['milk', 'bread', 'eggs']) {
      await page.getByLabel('New item').fill(text)
      await page.locator('main').getByRole('button', { name: 'Add' }).click()
    }
    await items(page).first().getByRole('checkbox').check()
    await expect.poll(() => count(page).textContent()).toBe('3 items')

    await page.getByRole('button', { name: 'Open Strata devtools' }).click()
    const slider = page.getByRole('slider', { name: 'History position' })
    await expect.poll(() => slider.getAttribute('max')).toBe('4')

    // Drag the slider's thumb from the live end back to the first quarter.
    const box = (await slider.boundingBox())!
    await page.mouse.move(box.x + box.width - 6, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 })
    await page.mouse.move(box.x + box.width * 0.25 + 3, box.y + box.height / 2, { steps: 5 })
    await page.mouse.up()
    await expect.poll(() => count(page).textContent()).toBe('1 items')
    expect(await items(page).allTextContents()).toEqual(['milk'])
    await slider.press('ArrowLeft')
    await expect.poll(() => count(page).textContent()).toBe('0 items')

    // Skip "bread": the states after it are recomputed without it.
    await page.getByRole('option', { name: 'Event 1 itemAdded' }).click()
    await page.getByRole('button', { name: 'Skip', exact: true }).click()
    await expect
      .poll(() => page.getByRole('option', { name: 'Event 1 itemAdded, skipped' }).count())
      .toBe(1)
    await page.getByRole('button', { name: 'Live' }).click()
    await expect.poll(() => items(page).allTextContents()).toEqual(['milk', 'eggs'])

    // Export, change the app, then import the file: the app shows the session again.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export' }).click(),
    ])
    const file = await download.path()
    const session = JSON.parse(readFileSync(file, 'utf8'))
    expect(session).toMatchObject({
      format: 'strata.session',
      version: 1,
      meta: { app: 'groceries' },
    })
    expect(session.events.map((e: { skipped?: boolean }) => e.skipped ?? false)).toEqual([
      false,
      true,
      false,
      false,
    ])
    await page.getByLabel('New item').fill('tea')
    await page.locator('main').getByRole('button', { name: 'Add' }).click()
    await expect.poll(() => count(page).textContent()).toBe('3 items')
    // No `load` prop: the session is loaded into the app's own store.
    const store = await page.evaluateHandle(() => (window as any).__store)
    await page.locator('input[type=file]').setInputFiles({
      name: 'groceries.session.json',
      mimeType: 'application/json',
      buffer: readFileSync(file),
    })
    await expect.poll(() => items(page).allTextContents()).toEqual(['milk', 'eggs'])
    await expect.poll(() => page.getByRole('listbox', { name: 'Events (4)' }).count()).toBe(1)
    expect(await page.evaluate((s) => s === (window as any).__store, store)).toBe(true)
    await expect
      .poll(() => page.getByRole('option', { name: 'Event 1 itemAdded, skipped' }).count())
      .toBe(1)

    // Lock: the app's dispatches record nothing until unlocked.
    const lock = page.getByRole('button', { name: 'Lock', exact: true })
    await lock.click()
    await expect.poll(() => lock.getAttribute('aria-pressed')).toBe('true')
    await page.getByLabel('New item').fill('jam')
    await page.locator('main').getByRole('button', { name: 'Add' }).click()
    expect(await page.evaluate(() => (window as any).__store.logs.events.length)).toBe(4)
    expect(await count(page).textContent()).toBe('2 items')
    await lock.click()
    await expect.poll(() => lock.getAttribute('aria-pressed')).toBe('false')

    // Scrub the imported history, then back to live.
    await slider.focus()
    await slider.press('Home')
    await expect.poll(() => count(page).textContent()).toBe('0 items')
    await page.getByRole('button', { name: 'Live' }).click()
    await expect.poll(() => count(page).textContent()).toBe('2 items')
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)

  it('imports through the `load` prop by swapping in a restored store', async () => {
    const { page, errors } = await open('?swap')
    for (const text of ['milk', 'bread']) {
      await page.getByLabel('New item').fill(text)
      await page.locator('main').getByRole('button', { name: 'Add' }).click()
    }
    await page.getByRole('button', { name: 'Open Strata devtools' }).click()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export' }).click(),
    ])
    const text = readFileSync(await download.path(), 'utf8')
    await page.getByLabel('New item').fill('tea')
    await page.locator('main').getByRole('button', { name: 'Add' }).click()
    await expect.poll(() => count(page).textContent()).toBe('3 items')
    const store = await page.evaluateHandle(() => (window as any).__store)
    await page.locator('input[type=file]').setInputFiles({
      name: 'groceries.session.json',
      mimeType: 'application/json',
      buffer: Buffer.from(text),
    })
    await expect.poll(() => items(page).allTextContents()).toEqual(['milk', 'bread'])
    expect(await page.evaluate((s) => s === (window as any).__store, store)).toBe(false)
    await expect.poll(() => page.getByRole('listbox', { name: 'Events (2)' }).count()).toBe(1)
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  it('looks right open on a realistic history (screenshot)', async () => {
    const { page, errors } = await open('?seed=160')
    await page.getByRole('button', { name: 'Open Strata devtools' }).click()
    await page.getByRole('listbox', { name: /^Events/ }).waitFor()
    const failed = page.getByRole('option', { name: /failed$/ }).last()
    await failed.click()
    await page.getByText('The reducer threw; the state was kept:').waitFor()
    // The page's own CSS (Georgia, pink buttons) must not reach the panel.
    const font = await page
      .getByRole('button', { name: 'Export' })
      .evaluate((el) => getComputedStyle(el).fontFamily)
    expect(font).not.toContain('Georgia')
    mkdirSync('test-results', { recursive: true })
    await page.screenshot({ path: 'test-results/devtools-panel.png' })
    await page.getByRole('button', { name: 'Use the dark theme' }).click()
    await page.getByRole('tab', { name: 'Diff' }).click()
    await page.screenshot({ path: 'test-results/devtools-panel-dark.png' })
    await page.getByRole('button', { name: 'Lock', exact: true }).click()
    await page.getByText('locked', { exact: true }).waitFor()
    await page.screenshot({ path: 'test-results/devtools-panel-locked.png' })
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  it.each(['bottom', 'right'])(
    'keeps the Diff toolbar on one row at 1400 px, docked %s',
    async (dock) => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
      await page.goto(`${url}?seed=40`)
      await page.getByRole('button', { name: 'Open Strata devtools' }).click()
      if (dock === 'right') await page.getByRole('button', { name: 'Dock to the right' }).click()
      await page.getByRole('option', { name: /^Event 5 / }).click()
      await page.getByRole('tab', { name: 'Diff' }).click()
      await page.getByRole('button', { name: 'Two states' }).click()
      // Every control, the "= selected" buttons included, sits on the bar's one row.
      const middles = await page
        .locator('.sd-diff-bar > *, .sd-diff-bar button, .sd-diff-bar input')
        .evaluateAll((all) =>
          all.map((el) => el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2),
        )
      expect(middles.length).toBeGreaterThanOrEqual(6)
      // A wrapped control sits a whole row (about 30 px) lower.
      expect(Math.max(...middles) - Math.min(...middles)).toBeLessThan(10)
      await page.close()
    },
    60_000,
  )
})
