import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { createServer, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/chromium'

// End to end: the example app in Vite's dev server, driven in Debian's Chromium. Editing the
// reducer on disk must recompute the state from the recorded events, without a page reload.
const root = fileURLToPath(new URL('../../examples/counter/', import.meta.url))
const reducerFile = `${root}reducer.ts`
const commandsFile = `${root}commands.ts`

let server: ViteDevServer
let browser: Browser
let page: Page

beforeAll(async () => {
  server = await createServer({
    configFile: `${root}vite.config.ts`,
    logLevel: 'silent',
    server: { port: 0, host: '127.0.0.1' },
  })
  await server.listen()
  browser = await launchChromium()
  page = await browser.newPage()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const text = (testId: string) => page.getByTestId(testId).textContent()

describe('hot reload in the counter example', () => {
  it('re-applies the recorded events through an edited reducer and keeps the history', async () => {
    const original = await readFile(reducerFile, 'utf8')
    try {
      await page.goto(server.resolvedUrls!.local[0]!)
      await page.getByText('count: 0').waitFor()
      const increment = page.getByRole('button', { name: 'increment' })
      for (let i = 0; i < 3; i++) await increment.click()
      await page.getByText('count: 3').waitFor()
      // A marker that a full page reload would wipe.
      await page.evaluate(() => Object.assign(window, { __kept: true }))

      const edited = original.replace(
        'draft.count += event.payload',
        'draft.count += 10 * event.payload',
      )
      expect(edited).not.toBe(original)
      await writeFile(reducerFile, edited)

      await page.getByText('count: 30').waitFor({ timeout: 15_000 })
      expect(await text('history')).toBe('event 3 of 3 (live)')
      expect(await page.evaluate(() => (window as { __kept?: boolean }).__kept)).toBe(true)

      // The new reducer is live for new events, and time travel replays through it too.
      await increment.click()
      await page.getByText('count: 40').waitFor()
      await page.getByLabel('time travel').fill('1')
      await page.getByText('count: 10').waitFor()
      expect(await text('history')).toBe('event 1 of 4 (past)')
    } finally {
      await writeFile(reducerFile, original)
    }
  }, 60_000)

  it('re-runs the recorded commands through edited handlers', async () => {
    // After the first test restored the reducer: four increments of 1.
    await page.getByLabel('time travel').fill('4')
    await page.getByText('count: 4').waitFor({ timeout: 15_000 })
    const original = await readFile(commandsFile, 'utf8')
    try {
      const edited = original.replace('payload: by,', 'payload: by * 2,')
      expect(edited).not.toBe(original)
      await writeFile(commandsFile, edited)
      await page.getByText('count: 8').waitFor({ timeout: 15_000 })
      expect(await text('history')).toBe('event 4 of 4 (live)')
      expect(await page.evaluate(() => (window as { __kept?: boolean }).__kept)).toBe(true)
    } finally {
      await writeFile(commandsFile, original)
    }
  }, 60_000)
})
