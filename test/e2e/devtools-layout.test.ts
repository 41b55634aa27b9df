import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addCard, type Demo, reachable, startDemo } from './demo'

// The demo with its devtools open, in Chromium, as a person sees it: nothing on the page may be
// out of reach under the panel, wherever it is docked.
let demo: Demo
beforeAll(async () => {
  demo = await startDemo()
}, 60_000)
afterAll(() => demo?.close())

const columns = ['To do', 'Doing', 'Done']

/** Everything a person uses on the page, by name. */
function parts(page: Page) {
  return {
    heading: page.getByRole('heading', { name: 'Strata board' }),
    ...Object.fromEntries(
      columns.flatMap((c) => [
        [`add to ${c}`, page.getByLabel(`New card in ${c}`)],
        [`last card in ${c}`, page.getByRole('region', { name: c }).getByRole('article').last()],
      ]),
    ),
    'server read model': page.getByTestId('server-stats'),
    'preferences launcher': page.getByRole('button', {
      name: 'Open Strata devtools for preferences',
    }),
  }
}

async function openBoardPanel(page: Page, dock: 'bottom' | 'right') {
  await page.getByRole('button', { name: 'Open Strata devtools for board' }).click()
  if (dock === 'right') await page.getByRole('button', { name: 'Dock to the right' }).click()
  const panel = page.getByRole('region', { name: 'Strata devtools for board' })
  await panel.waitFor()
  return panel
}

describe('the devtools panel over the demo', { timeout: 60_000 }, () => {
  it.each(['bottom', 'right'] as const)(
    'docked %s, leaves every part of the page reachable',
    async (dock) => {
      const page = await demo.open({ width: 1280, height: 800 })
      // Enough cards that the columns reach down under where a bottom panel sits.
      for (let i = 0; i < 12; i++) await addCard(page, columns[i % 3]!, `${dock} card ${i}`)
      await page.getByRole('article', { name: `${dock} card 11` }).waitFor()

      const panel = await openBoardPanel(page, dock)
      const box = (await panel.boundingBox())!
      // It takes a real share of the window at that edge.
      if (dock === 'bottom') expect(box.y + box.height).toBe(800)
      else expect(box.x + box.width).toBe(1280)
      expect(box.width * box.height).toBeGreaterThan(1280 * 800 * 0.25)

      const unreachable = []
      for (const [name, part] of Object.entries(parts(page))) {
        if (!(await reachable(part))) unreachable.push(name)
      }
      expect(unreachable).toEqual([])
      // And the panel itself is still all there.
      expect(await reachable(page.getByRole('button', { name: 'Export' }))).toBe(true)
      await page.close()
    },
  )

  it('gives the page back its own layout when the panel closes', async () => {
    const page = await demo.open()
    const before = await page.evaluate(() => getComputedStyle(document.body).paddingBottom)
    await openBoardPanel(page, 'bottom')
    expect(await page.evaluate(() => getComputedStyle(document.body).paddingBottom)).not.toBe(
      before,
    )
    await page.getByRole('button', { name: 'Close the devtools' }).click()
    expect(await page.evaluate(() => getComputedStyle(document.body).paddingBottom)).toBe(before)
    await page.close()
  })

  it('names each launcher by its store, and stacks two open panels instead of overlapping', async () => {
    const page = await demo.open()
    const launchers = page.getByRole('button', { name: /^Open Strata devtools/ })
    await launchers.last().waitFor()
    expect(await launchers.evaluateAll((all) => all.map((b) => b.textContent?.trim()))).toEqual([
      'Strata · board',
      'Strata · preferences',
    ])
    await openBoardPanel(page, 'bottom')
    await page.getByRole('button', { name: 'Open Strata devtools for preferences' }).click()
    const board = (await page
      .getByRole('region', { name: 'Strata devtools for board' })
      .boundingBox())!
    const prefs = (await page
      .getByRole('region', { name: 'Strata devtools for preferences' })
      .boundingBox())!
    expect(prefs.y + prefs.height).toBeLessThanOrEqual(board.y + 1)
    await page.close()
  })

  it("stays under Vite's error overlay", async () => {
    const page = await demo.open()
    const panel = await openBoardPanel(page, 'bottom')
    // What Vite's client does on a build error: its own overlay element, over the page.
    await page.evaluate(() => {
      const Overlay = customElements.get('vite-error-overlay')!
      document.body.appendChild(
        new Overlay({ message: 'Transform failed', stack: '', id: '/src/board.ts' }),
      )
    })
    const box = (await panel.boundingBox())!
    const top = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x!, y!)?.tagName.toLowerCase(),
      [box.x + box.width / 2, box.y + box.height / 2],
    )
    expect(top).toBe('vite-error-overlay')
    await page.close()
  })
})
