import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKanban } from '../../examples/kanban/start'
import { type Demo, startDemo } from './demo'

// End to end: "Forget me" in the kanban demo, in Debian's Chromium with its own IndexedDB: the
// name is shown on the card, then "(erased)" in this window and in a second one, and nothing of
// it is left in either page's IndexedDB nor in the server's SQLite files.
let demo: Demo
let dir: string
let app: RunningKanban
let browser: Browser

beforeAll(async () => {
  demo = await startDemo()
  ;({ dir, app, browser } = demo)
}, 60_000)

afterAll(() => demo?.close())

const NAME = 'Grace Brewster-Hopper'
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 })

/** Every record of every IndexedDB database of the page, as text. */
const indexedDbText = (page: Page) =>
  page.evaluate(async () => {
    const out: unknown[] = []
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name!)
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      for (const store of db.objectStoreNames) {
        const all = db.transaction(store).objectStore(store).getAll()
        out.push(await new Promise((resolve) => (all.onsuccess = () => resolve(all.result))))
      }
      db.close()
    }
    return JSON.stringify(out)
  })

async function filesText(path: string): Promise<string> {
  let text = ''
  for (const name of await readdir(path)) {
    const file = join(path, name)
    if ((await stat(file)).isFile()) text += (await readFile(file)).toString('latin1')
  }
  return text
}

describe('demo: Forget me', () => {
  it("erases the author's name everywhere: both windows, their IndexedDB, the SQLite files", async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(app.url)
    await page.getByLabel('Your name').fill(NAME)
    const todo = page.getByRole('region', { name: 'To do' })
    await todo.getByLabel('New card in To do').fill('Write the compiler')
    await todo.getByLabel('New card in To do').press('Enter')
    await page.getByText(`by ${NAME}`).waitFor({ timeout: 20_000 })
    await page.getByText('All changes saved').waitFor({ timeout: 20_000 })
    const other = await context.newPage()
    await other.goto(app.url)
    await other.getByText(`by ${NAME}`).waitFor({ timeout: 20_000 })

    // The search finds the name while it is there: the server's read models hold it.
    await eventually(() => filesText(dir).then((t) => t.includes(NAME))).toBe(true)
    await page.getByTestId('forget-me').click()
    await page.getByText('Forgotten: your name is erased from every card.').waitFor()
    for (const p of [page, other]) {
      await p.getByText('by (erased)').waitFor({ timeout: 20_000 })
      await eventually(() => indexedDbText(p).then((t) => t.includes(NAME))).toBe(false)
    }
    await eventually(() => filesText(dir).then((t) => t.includes(NAME))).toBe(false)
    await context.close()
  }, 90_000)
})
