import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addCard, type Demo, startDemo } from './demo'

// Import in the demo as a person does it: the synced board is never replaced; the session opens
// as a local copy, labelled, not synced, until they go back to the live board.
let demo: Demo
beforeAll(async () => {
  demo = await startDemo()
}, 60_000)
afterAll(() => demo?.close())

async function storedCount(): Promise<number> {
  const response = await fetch(`${demo.app.api.url}/api/events?limit=1000`, {
    headers: { authorization: `Bearer ${demo.app.api.token}` },
  })
  return ((await response.json()) as { events: unknown[] }).events.length
}

describe('importing a session in the demo', { timeout: 60_000 }, () => {
  it('opens it as a labelled local copy that syncs nothing, and goes back to the live board', async () => {
    const page = await demo.open()
    const todo = page.getByRole('region', { name: 'To do' })
    const titles = () => todo.getByRole('article').getByRole('heading').allTextContents()
    await addCard(page, 'To do', 'Exported one')
    await addCard(page, 'To do', 'Exported two')
    await expect.poll(titles).toEqual(['Exported one', 'Exported two'])

    await page.getByRole('button', { name: 'Open Strata devtools for board' }).click()
    const panel = page.getByRole('region', { name: 'Strata devtools for board' })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Export' }).click(),
    ])
    const file = await download.path()
    await addCard(page, 'To do', 'After the export')
    await page.getByText('All changes saved').waitFor()
    const stored = await storedCount()

    await panel.getByLabel('Session file to import').setInputFiles(file)
    const banner = page.getByRole('status', { name: 'Imported session' })
    await banner.waitFor()
    expect(await banner.textContent()).toContain('a local copy, not synced')
    await expect.poll(titles).toEqual(['Exported one', 'Exported two'])
    expect(await page.getByText('Local only').count()).toBe(1)
    // The panel now shows the copy, and says so.
    const copyPanel = page.getByRole('region', {
      name: 'Strata devtools for board (imported copy)',
    })
    await copyPanel.getByText('Imported').first().waitFor()
    expect(await copyPanel.getByRole('status').textContent()).toMatch(/: 2 events$/)

    // Edits to the copy stay in the window.
    await addCard(page, 'To do', 'Only in the copy')
    await expect.poll(titles).toEqual(['Exported one', 'Exported two', 'Only in the copy'])
    await new Promise((r) => setTimeout(r, 500))
    expect(await storedCount()).toBe(stored)

    await page.getByRole('button', { name: 'Back to the live board' }).click()
    await expect.poll(titles).toEqual(['Exported one', 'Exported two', 'After the export'])
    await page.getByText('All changes saved').waitFor()
    expect(JSON.parse(await readFile(file, 'utf8')).format).toBe('strata.session')
    await page.close()
  })
})
