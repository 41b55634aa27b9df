import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { type KanbanOptions, type RunningKanban, startKanban } from '../../examples/kanban/start'
import { launchChromium } from '../support/chromium'

export interface Demo {
  app: RunningKanban
  browser: Browser
  /** The temporary directory of the server's SQLite files. */
  dir: string
  /** A new window (its own profile) on the demo. */
  open(viewport?: { width: number; height: number }): Promise<Page>
  close(): Promise<void>
}

/**
 * The kanban demo as `npm start` runs it, on a temporary SQLite file, and Debian's Chromium;
 * `seed`: as `npm start -- --seed N`, N events of history.
 */
export async function startDemo(
  options: { seed?: number; vite?: KanbanOptions['vite'] } = {},
): Promise<Demo> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-demo-'))
  const app = await startKanban({
    ...(options.seed && { seed: options.seed }),
    ...(options.vite && { vite: options.vite }),
    db: join(dir, 'events.db'),
    apiPort: 0,
    webPort: 0,
    host: '127.0.0.1',
    quiet: true,
  })
  const browser = await launchChromium()
  return {
    app,
    browser,
    dir,
    async open(viewport = { width: 1280, height: 800 }) {
      const page = await (await browser.newContext({ viewport })).newPage()
      await page.goto(app.url)
      await page.getByText('All changes saved').waitFor({ timeout: 20_000 })
      return page
    },
    async close() {
      await browser.close()
      await app.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export async function addCard(page: Page, columnName: string, title: string): Promise<void> {
  const input = page.getByLabel(`New card in ${columnName}`)
  await input.fill(title)
  await input.press('Enter')
}

/**
 * Whether a person can reach `target`: scrolled as far towards the top left as the page allows
 * (a bottom or right panel covers the other end), the topmost element at its centre is it or
 * inside it (through open shadow roots), not a panel drawn over it.
 */
export async function reachable(target: Locator): Promise<boolean> {
  await target.evaluate((node) => node.scrollIntoView({ block: 'start', inline: 'start' }))
  const box = await target.boundingBox()
  if (!box) return false
  const x = box.x + box.width / 2
  const y = box.y + box.height / 2
  return target.evaluate(
    (node, [x, y]) => {
      let hit = document.elementFromPoint(x!, y!)
      while (hit?.shadowRoot) {
        const inner = hit.shadowRoot.elementFromPoint(x!, y!)
        if (!inner || inner === hit) break
        hit = inner
      }
      return hit !== null && (node === hit || node.contains(hit))
    },
    [x, y],
  )
}
