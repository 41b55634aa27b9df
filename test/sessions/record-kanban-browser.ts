// Records test/sessions/kanban-browser.session.json: the kanban example (examples/kanban, on a
// temporary SQLite file) driven through its UI in Chromium, then exported with the devtools
// panel's Export button. A one-off: run it again only to re-record, and commit the new file.
//   node --import tsx test/sessions/record-kanban-browser.ts
// then `npx biome check --write test/sessions` (it lays the exported JSON out as the repo does).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadSession } from '@strata/state/testing'
import type { Browser, Page } from 'playwright-core'
import { type RunningKanban, startKanban } from '../../examples/kanban/start'
import { launchChromium } from '../support/chromium'

const out = fileURLToPath(new URL('./kanban-browser.session.json', import.meta.url))

const column = (p: Page, name: string) => p.getByRole('region', { name })
const card = (p: Page, title: string) => p.getByRole('article', { name: title, exact: true })
const saved = (p: Page) => p.getByText('All changes saved').waitFor({ timeout: 20_000 })

async function titles(p: Page, name: string): Promise<string[]> {
  return column(p, name).getByRole('article').getByRole('heading').allTextContents()
}

/** Waits until a column shows exactly these cards, in this order. */
async function expectColumn(p: Page, name: string, expected: string[]): Promise<void> {
  const want = JSON.stringify(expected)
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    if (JSON.stringify(await titles(p, name)) === want) return
    await p.waitForTimeout(50)
  }
  throw new Error(
    `Column ${name}: expected ${want}, shows ${JSON.stringify(await titles(p, name))}`,
  )
}

async function addCard(p: Page, columnName: string, title: string): Promise<void> {
  const input = p.getByLabel(`New card in ${columnName}`)
  await input.fill(title)
  await input.press('Enter')
}

async function play(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await saved(page)

  // Plan the week: four cards to do, one already in progress.
  for (const title of ['Write the spec', 'Sketch the board UI', 'Set up CI', 'Fix login bug']) {
    await addCard(page, 'To do', title)
  }
  await addCard(page, 'Doing', 'Review pull request')
  await expectColumn(page, 'To do', [
    'Write the spec',
    'Sketch the board UI',
    'Set up CI',
    'Fix login bug',
  ])
  await expectColumn(page, 'Doing', ['Review pull request'])

  // A blank title: the createCard handler rejects it and the app shows its message.
  await addCard(page, 'Done', '   ')
  await page.getByRole('alert').getByText('A card needs a title.').waitFor()
  await page.getByLabel('New card in Done').fill('')
  await page.getByRole('button', { name: 'Dismiss error' }).click()

  // Drag "Fix login bug" onto the top half of the Doing card: it goes first (index 0).
  await card(page, 'Fix login bug').dragTo(card(page, 'Review pull request'), {
    targetPosition: { x: 40, y: 4 },
  })
  await expectColumn(page, 'Doing', ['Fix login bug', 'Review pull request'])

  // The move buttons: to the next column (its end), and up within a column.
  await page.getByRole('button', { name: 'Move "Write the spec" to Doing' }).click()
  await expectColumn(page, 'Doing', ['Fix login bug', 'Review pull request', 'Write the spec'])
  await page.getByRole('button', { name: 'Move "Set up CI" up' }).click()
  await expectColumn(page, 'To do', ['Set up CI', 'Sketch the board UI'])

  // Edit a card's title and description.
  await page.getByRole('button', { name: 'Edit "Set up CI"' }).click()
  await page.getByLabel('Title').fill('Set up CI on every push')
  await page.getByLabel('Description').fill('Lint, typecheck and test; cache node_modules.')
  await page.getByRole('button', { name: 'Save' }).click()
  await card(page, 'Set up CI on every push').getByText('Lint, typecheck and test').waitFor()

  // Finish two: one by button, one dragged onto the Done column.
  await page.getByRole('button', { name: 'Move "Fix login bug" to Done' }).click()
  await expectColumn(page, 'Done', ['Fix login bug'])
  await card(page, 'Write the spec').dragTo(column(page, 'Done'))
  await expectColumn(page, 'Done', ['Fix login bug', 'Write the spec'])
  await expectColumn(page, 'Doing', ['Review pull request'])

  // Drop a card that is no longer needed: the pull request was closed.
  await page.getByRole('button', { name: 'Delete "Review pull request"' }).click()
  await expectColumn(page, 'Doing', [])
  await expectColumn(page, 'To do', ['Set up CI on every push', 'Sketch the board UI'])

  // Undo twice and redo once through the timeline, then back to live: views of the past,
  // which change no log.
  const position = page.getByTestId('history-position')
  const length = Number((await position.textContent())!.split('/')[1]!.trim())
  await page.getByRole('button', { name: 'Undo' }).click()
  await card(page, 'Review pull request').waitFor()
  await page.getByRole('button', { name: 'Undo' }).click()
  await expectColumn(page, 'Doing', ['Review pull request', 'Write the spec'])
  await page.getByText(`Viewing the board after change ${length - 2} of ${length}`).waitFor()
  await page.getByRole('button', { name: 'Redo' }).click()
  await page.getByText(`Viewing the board after change ${length - 1} of ${length}`).waitFor()
  await page.getByRole('button', { name: 'Back to live' }).click()
  await card(page, 'Review pull request').waitFor({ state: 'detached' })
  await saved(page)
}

/** Opens the board's devtools panel and clicks Export; returns the downloaded file's text. */
async function exportFromPanel(page: Page): Promise<{ name: string; text: string }> {
  await page.locator('[data-corner="bottom-right"]').click()
  const devtools = page.getByRole('region', { name: 'Strata devtools' })
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    devtools.getByRole('button', { name: 'Export' }).click(),
  ])
  const failure = await download.failure()
  if (failure) throw new Error(`The export download failed: ${failure}`)
  const path = await download.path()
  return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') }
}

const dir = await mkdtemp(join(tmpdir(), 'strata-record-kanban-'))
let app: RunningKanban | undefined
let browser: Browser | undefined
try {
  app = await startKanban({
    db: join(dir, 'events.db'),
    apiPort: 0,
    webPort: 0,
    host: '127.0.0.1',
    quiet: true,
  })
  browser = await launchChromium()
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
  })
  const page = await context.newPage()
  await play(page, app.url)
  const { name, text } = await exportFromPanel(page)

  // Check it before keeping it: the file must load as a session.
  const session = loadSession(text)
  await writeFile(out, text.endsWith('\n') ? text : `${text}\n`)
  const rejected = session.commands.filter((c) => c.error !== undefined)
  console.log(`Exported ${name} from the devtools panel, wrote ${out}`)
  console.log(
    `${session.commands.length} commands (${rejected.length} rejected: ${rejected
      .map((c) => `${c.command.type} "${c.error}"`)
      .join(', ')}), ${session.events.length} events, ${session.checkpoints.length} checkpoint(s)`,
  )
  const counts: Record<string, number> = {}
  for (const { event } of session.events) counts[event.type] = (counts[event.type] ?? 0) + 1
  console.log(counts)
} finally {
  await browser?.close()
  await app?.close()
  await rm(dir, { recursive: true, force: true })
}
