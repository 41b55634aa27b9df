import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Locator, Page, Route } from 'playwright-core'
import type { Plugin } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKanban } from '../../examples/kanban/start'
import { compareTokens } from '../../src/protocol/index'
import { type Demo, startDemo } from './demo'

// End to end: the kanban example as `npm start` runs it (the event server on a temporary SQLite
// file, Vite proxying /api to it), driven through its UI in Debian's Chromium.
const boardFile = fileURLToPath(new URL('../../examples/kanban/src/board.ts', import.meta.url))

// An edit of board.ts as Vite sees it, without writing the file that other tests import.
let editBoard: ((source: string) => string) | undefined
const boardEditor: Plugin = {
  name: 'edit-board',
  enforce: 'pre',
  transform: (code, id) => (id === boardFile && editBoard ? editBoard(code) : undefined),
}

let demo: Demo
let app: RunningKanban
let browser: Browser
let context: BrowserContext
let page: Page

beforeAll(async () => {
  demo = await startDemo({ vite: { plugins: [boardEditor] } })
  ;({ app, browser } = demo)
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } })
  page = await context.newPage()
  keepLog(page)
}, 60_000)

afterAll(() => demo?.close())

interface WireEvent {
  id: string
  clientSeq: number
  type: string
  payload: { title?: string }
}

/** Every event the server has stored, read straight from the API server. */
async function serverEvents(): Promise<WireEvent[]> {
  const response = await fetch(`${app.api.url}/api/events?limit=1000`, {
    headers: { authorization: `Bearer ${app.api.token}` },
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { events: WireEvent[] }).events
}

const created = async (title: string) =>
  (await serverEvents()).filter((e) => e.type === 'card/created' && e.payload.title === title)

// Polls until the UI or the server catches up; generous, as a loaded CI machine can be slow.
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 })

const column = (p: Page, name: string) => p.getByRole('region', { name })
const card = (p: Page, title: string) => p.getByRole('article', { name: title, exact: true })

/**
 * 'All changes saved' shows; else fails saying what the page's sync says (status, outbox, retry,
 * errors) and what the page logged, so a failure on a loaded CI machine can be read afterwards.
 */
async function saved(p: Page) {
  try {
    await p.getByText('All changes saved').waitFor({ timeout: 20_000 })
  } catch (error) {
    // The app's own sync module as Vite serves it: the instance the page runs.
    const sync = await p
      .evaluate(
        `import('/src/sync.ts').then(({ sync }) => { const s = sync.getSnapshot(); return JSON.stringify({ status: s.status, paused: s.paused, sender: s.sender, boot: s.boot, position: s.position, outbox: s.outbox, inFlight: s.inFlight, retry: s.retry, error: s.error && String(s.error), errors: s.errors.slice(-5).map((e) => e.error.code + ': ' + e.error.message) }) })`,
      )
      .catch((e: unknown) => String(e))
    const status = await p
      .getByRole('status')
      .first()
      .textContent()
      .catch(() => '?')
    const log = logged.get(p)?.slice(-20).join(' | ')
    throw new Error(
      `'All changes saved' never shown: the page shows ${JSON.stringify(status)}; sync ${sync}; console: ${log}`,
      { cause: error },
    )
  }
}

/** What each page logged lately, for the message of a wait that fails. */
const logged = new WeakMap<Page, string[]>()
function keepLog(p: Page) {
  const lines: string[] = []
  logged.set(p, lines)
  p.on('console', (m) => {
    lines.push(`${m.type()}: ${m.text()}`)
    if (lines.length > 50) lines.shift()
  })
}

async function titles(where: Locator): Promise<string[]> {
  return where.getByRole('article').getByRole('heading').allTextContents()
}

async function addCard(p: Page, columnName: string, title: string) {
  const input = p.getByLabel(`New card in ${columnName}`)
  await input.fill(title)
  await input.press('Enter')
}

describe('the kanban example in Chromium', () => {
  it('creates, moves, edits and deletes through the UI; the read model includes the writes', async () => {
    await page.goto(app.url)
    await saved(page)

    for (const title of ['Write docs', 'Fix bug', 'Ship release'])
      await addCard(page, 'To do', title)
    await eventually(() => titles(column(page, 'To do'))).toEqual([
      'Write docs',
      'Fix bug',
      'Ship release',
    ])

    // A rejected command shows the handler's message.
    await addCard(page, 'Doing', '   ')
    await eventually(() => page.getByRole('alert').textContent()).toBe('A card needs a title.')

    // Drag and drop, then the keyboard route to the same command.
    await card(page, 'Write docs').dragTo(column(page, 'Doing'))
    await eventually(() => titles(column(page, 'Doing'))).toEqual(['Write docs'])
    await page.getByRole('button', { name: 'Move "Fix bug" to Doing' }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Move "Fix bug" to Done' }).press('Enter')
    await eventually(() => titles(column(page, 'Done'))).toEqual(['Fix bug'])

    await page.getByRole('button', { name: 'Edit "Ship release"' }).click()
    await page.getByLabel('Title').fill('Ship release 1.0')
    await page.getByLabel('Description').fill('After the docs')
    await page.getByRole('button', { name: 'Save' }).click()
    await card(page, 'Ship release 1.0').getByText('After the docs').waitFor()

    await page.getByRole('button', { name: 'Delete "Fix bug"' }).click()
    await eventually(() => titles(column(page, 'Done'))).toEqual([])

    await saved(page)
    const token = await page.getByTestId('sync').getAttribute('data-position')
    expect(token).toMatch(/^v1:/)

    // The server stored each accepted command's event once, in order, and not the rejected one.
    expect((await serverEvents()).map((e) => e.type)).toEqual([
      'card/created',
      'card/created',
      'card/created',
      'card/moved',
      'card/moved',
      'card/moved',
      'card/edited',
      'card/deleted',
    ])

    // Read-your-writes: with the page's token the projection has folded every write above.
    const response = await fetch(`${app.api.url}/api/views/board-stats`, {
      headers: { 'X-Min-Position': token!, authorization: `Bearer ${app.api.token}` },
    })
    expect(response.status).toBe(200)
    expect(compareTokens(response.headers.get('x-position')!, token!)).toBeGreaterThanOrEqual(0)
    expect(await response.json()).toEqual({
      total: 2,
      columns: [
        { id: 'todo', title: 'To do', count: 1 },
        { id: 'doing', title: 'Doing', count: 1 },
        { id: 'done', title: 'Done', count: 0 },
      ],
    })
    // The page's own TanStack query shows the same read model.
    const stats = page.getByTestId('server-stats')
    await eventually(() => stats.textContent()).toContain('Total2')

    // The slider looks back through the history; the past is read-only; Live returns.
    await page.getByLabel('Time travel').fill('7')
    await card(page, 'Fix bug').waitFor()
    await page.getByText('Viewing the board after change 7 of 8').waitFor()
    await page.getByRole('button', { name: 'Back to live' }).click()
    await card(page, 'Fix bug').waitFor({ state: 'detached' })

    // Undo undoes: the deleted card is back where it was, on the server too, and Redo deletes it.
    await page.getByRole('button', { name: 'Undo' }).click()
    await card(page, 'Fix bug').waitFor()
    await saved(page)
    expect((await serverEvents()).at(-1)?.type).toBe('card/restored')
    await page.getByRole('button', { name: 'Redo' }).click()
    await card(page, 'Fix bug').waitFor({ state: 'detached' })
    await saved(page)
    expect((await serverEvents()).at(-1)?.type).toBe('card/deleted')

    await page.screenshot({ path: 'test-results/kanban.png' })
  }, 90_000)

  it('delivers events left unsent by a reload exactly once', async () => {
    // The first batch reaches the server but its answer is lost; later ones never leave.
    let mode: 'lose-response' | 'drop' | 'pass' = 'lose-response'
    const attempts: string[] = []
    const block = async (route: Route) => {
      if (route.request().method() !== 'POST') return route.continue()
      attempts.push(route.request().postData() ?? '')
      if (mode === 'lose-response') {
        await route.fetch()
        mode = 'drop'
      }
      return route.abort('internetdisconnected')
    }
    await page.route('**/api/events', block)

    await addCard(page, 'To do', 'Stored, answer lost')
    await eventually(async () => (await created('Stored, answer lost')).length).toBe(1)
    await addCard(page, 'To do', 'Never sent')
    await page.getByText(/unsent/).waitFor({ timeout: 20_000 })
    // Sending was tried, so the event had been written to the outbox (IndexedDB).
    await eventually(() => attempts.some((body) => body.includes('Never sent'))).toBe(true)
    expect(await created('Never sent')).toHaveLength(0)

    // Reload while still blocked: the outbox comes back from IndexedDB.
    await page.reload()
    await card(page, 'Never sent').waitFor()
    await card(page, 'Stored, answer lost').waitFor()
    expect(await created('Never sent')).toHaveLength(0)

    // Back online: both arrive and each is stored once (the first was already stored: the
    // client either re-sends it and is told "duplicate", or learns it from a pull).
    await page.unroute('**/api/events', block)
    await page.evaluate(() => window.dispatchEvent(new Event('online')))
    await saved(page)
    const lost = await created('Stored, answer lost')
    const unsent = await created('Never sent')
    expect(lost).toHaveLength(1)
    expect(unsent).toHaveLength(1)
    expect(lost[0]!.clientSeq).toBeLessThan(unsent[0]!.clientSeq)

    // After one more reload the page shows each card once.
    await page.reload()
    await saved(page)
    await eventually(() => titles(column(page, 'To do'))).toEqual([
      'Ship release 1.0',
      'Stored, answer lost',
      'Never sent',
    ])
    expect(await created('Never sent')).toHaveLength(1)
  }, 90_000)

  it('shows one window’s changes in another', async () => {
    // A second browser context: its own IndexedDB, so its own client, like a second user.
    const other = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    try {
      const second = await other.newPage()
      keepLog(second)
      await second.goto(app.url)
      await saved(second)
      await eventually(() => titles(column(second, 'To do'))).toEqual([
        'Ship release 1.0',
        'Stored, answer lost',
        'Never sent',
      ])
      expect(await titles(column(second, 'Doing'))).toEqual(['Write docs'])

      await addCard(page, 'Done', 'From the first window')
      await card(second, 'From the first window').waitFor({ timeout: 20_000 })
      await second.getByRole('button', { name: 'Move "From the first window" to Doing' }).click()
      await eventually(() => titles(column(page, 'Doing'))).toEqual([
        'Write docs',
        'From the first window',
      ])
      await saved(page)
      await saved(second)
    } finally {
      await other.close()
    }
  }, 90_000)

  it('re-applies the logs when board.ts is edited, keeping the history', async () => {
    const position = page.getByTestId('history-position')
    const before = await position.textContent()
    // A marker that a full page reload would wipe.
    await page.evaluate(() => Object.assign(window, { __kept: true }))
    const edit = (source: string) => {
      const edited = source.replace(
        'board.cards[id] = { id, title, description',
        'board.cards[id] = { id, title: title.toUpperCase(), description',
      )
      expect(edited).not.toBe(source)
      return edited
    }
    try {
      editBoard = edit
      app.vite.watcher.emit('change', boardFile)

      await card(page, 'WRITE DOCS').waitFor({ timeout: 20_000 })
      expect(await titles(column(page, 'To do'))).toContain('NEVER SENT')
      expect(await position.textContent()).toBe(before)
      expect(await page.evaluate(() => (window as { __kept?: boolean }).__kept)).toBe(true)

      // The devtools list the reload and where it first changed the state.
      await page.locator('[data-corner="bottom-right"]').click()
      const devtools = page.getByRole('region', { name: 'Strata devtools' })
      await devtools.getByRole('tab', { name: /Hot reload/ }).click()
      // The page booted from its snapshot: the new reducer re-folded from the first event too.
      await devtools
        .getByText(/after event \d+ card\//)
        .first()
        .waitFor()
      await page.screenshot({ path: 'test-results/kanban-devtools.png' })
    } finally {
      editBoard = undefined
      app.vite.watcher.emit('change', boardFile)
    }
    await card(page, 'Write docs').waitFor({ timeout: 20_000 })
    await page.getByRole('button', { name: 'Close the devtools (Esc)' }).click()
  }, 90_000)

  it('time-travels the zustand preferences store, shown in its own devtools panel', async () => {
    await page.getByLabel('Filter cards').fill('never')
    await eventually(() => titles(column(page, 'To do'))).toEqual(['Never sent'])

    await page.locator('[data-corner="bottom-left"]').click()
    const devtools = page.getByRole('region', { name: 'Strata devtools' })
    await devtools.getByText('preferences').waitFor()
    const events = devtools.getByRole('region', { name: 'Events' })
    await events.getByText('prefs/filter').waitFor()
    // Stepping the zustand store's history back clears the filter in the app.
    await devtools.getByRole('button', { name: 'Step back' }).click()
    await eventually(() => page.getByLabel('Filter cards').inputValue()).toBe('')
    await eventually(async () => (await titles(column(page, 'To do'))).length).toBe(3)
    await page.screenshot({ path: 'test-results/kanban-zustand.png' })
    await page.getByRole('button', { name: 'Close the devtools (Esc)' }).click()
  }, 60_000)
})
