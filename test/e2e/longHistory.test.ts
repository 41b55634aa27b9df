import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Demo, startDemo } from './demo'

// `npm start -- --seed 100000` in Chromium: a first window boots from the server's snapshot of the
// board, not from 100k events, and its devtools page the history back to event 0.
const SEED = 100_000
let demo: Demo
beforeAll(async () => {
  demo = await startDemo({ seed: SEED })
}, 240_000)
afterAll(() => demo?.close())

describe('the demo seeded with a long history', { timeout: 180_000 }, () => {
  it("boots from the server's snapshot, and the devtools page back to event 0", async () => {
    const page = await demo.open()
    // The board is there (the snapshot's state); the history starts at the snapshot.
    await page.getByRole('region', { name: 'To do' }).getByRole('article').first().waitFor()
    await page.getByRole('button', { name: 'Open Strata devtools for board' }).click()
    const panel = page.getByRole('region', { name: 'Strata devtools for board' })
    const events = panel.getByRole('listbox', { name: /^Events \(/ })
    await expect.poll(() => events.getAttribute('aria-label')).toBe('Events (100,000)')
    // A fresh profile has no snapshot of its own: the window started after all 100k events (the
    // rows on screen are then paged in, the rest stays earlier history).
    await panel
      .getByText(/\d earlier( not loaded|, loading)/)
      .first()
      .waitFor()

    // The first state: everything before the window is paged in, then the board shows state 0.
    await panel.getByRole('button', { name: 'First state' }).click()
    const slider = panel.getByLabel('History position')
    await expect
      .poll(() => slider.getAttribute('aria-valuetext'), { timeout: 120_000 })
      .toBe(`State 0 of ${SEED}`)
    expect(await page.getByRole('article').count()).toBe(0)
    expect(await panel.getByText(/earlier not loaded/).count()).toBe(0)
    // Event 0 is the seeded history's first card.
    await events.press('Home')
    await panel.getByRole('option', { name: /^Event 0 card\/created/ }).waitFor()
  })
})
