import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addCard, type Demo, startDemo } from './demo'

// The repro in two Chromium windows of the demo (each its own profile, so its own
// client): A goes offline and edits "Race card", B deletes it, A comes back online.
let demo: Demo
beforeAll(async () => {
  demo = await startDemo()
}, 60_000)
afterAll(async () => {
  await demo?.close()
})

/** Every event the server stored, read from the API with the demo's token. */
async function stored(): Promise<{ type: string; payload: { id?: string } }[]> {
  const response = await fetch(`${demo.app.api.url}/api/events?limit=1000`, {
    headers: { authorization: `Bearer ${demo.app.api.token}` },
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { events: { type: string; payload: { id?: string } }[] })
    .events
}

/** The console's errors about reducers (the core's and sync's development messages). */
function reducerErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' && /reducer/i.test(m.text())) errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  return errors
}

const card = (p: Page, title: string) => p.getByRole('article', { name: title, exact: true })
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 })

/** Windows A and B, each with its console watched, both showing a card that A added. */
async function twoWindows(column: string, title: string) {
  const a = await demo.open()
  const b = await demo.open()
  const errors = [a, b].map(reducerErrors)
  await addCard(a, column, title)
  await card(b, title).waitFor({ timeout: 20_000 })
  return { a, b, errors }
}

describe('an edit made offline of a card deleted in another window', () => {
  it('is not stored; window A shows the conflict with the typed text; no reducer error', async () => {
    const { a, b, errors } = await twoWindows('To do', 'Race card')
    const id = (await stored()).find((e) => e.type === 'card/created')!.payload.id

    await a.context().setOffline(true)
    await a.getByRole('button', { name: 'Edit "Race card"' }).click()
    await a.getByLabel('Description').fill('Typed in A while offline')
    await a.getByRole('button', { name: 'Save' }).click()
    await card(a, 'Race card').getByText('Typed in A while offline').waitFor()

    await b.getByRole('button', { name: 'Delete "Race card"' }).click()
    await eventually(async () => (await stored()).map((e) => e.type)).toEqual([
      'card/created',
      'card/deleted',
    ])

    await a.context().setOffline(false)
    const kept = a.getByRole('region', { name: 'Edits not saved' })
    await kept
      .getByText("Your edit of 'Race card' was not saved: it was deleted in another window.")
      .waitFor({ timeout: 20_000 })
    expect(await kept.getByLabel('Description').inputValue()).toBe('Typed in A while offline')
    await a.getByText('1 change not saved').waitFor()
    await a.screenshot({ path: 'test-results/kanban-conflict.png' })

    // Both windows have caught up: nothing more is stored, and no edit of the deleted card.
    await b.getByText('All changes saved').waitFor()
    expect((await stored()).filter((e) => e.type === 'card/edited' && e.payload.id === id)).toEqual(
      [],
    )
    expect(await card(a, 'Race card').count()).toBe(0)
    expect(await card(b, 'Race card').count()).toBe(0)
    for (const list of errors) expect(list).toEqual([])

    // The typed text becomes a new card, saved in both windows.
    await kept.getByRole('button', { name: 'Add as a new card' }).click()
    await a.getByText('All changes saved').waitFor({ timeout: 20_000 })
    await card(b, 'Race card').getByText('Typed in A while offline').waitFor({ timeout: 20_000 })
    for (const list of errors) expect(list).toEqual([])
  }, 120_000)

  it('an edit form open while the card is deleted elsewhere stays, with the typed text', async () => {
    const { a, b, errors } = await twoWindows('Doing', 'Open form card')
    await a.getByRole('button', { name: 'Edit "Open form card"' }).click()
    await a.getByLabel('Title').fill('Typed while B deletes')

    await b.getByRole('button', { name: 'Delete "Open form card"' }).click()
    const kept = a.getByRole('region', { name: 'Edits not saved' })
    await kept
      .getByText("'Open form card' was deleted while you were editing it.")
      .waitFor({ timeout: 20_000 })
    expect(await kept.getByLabel('Title').inputValue()).toBe('Typed while B deletes')
    await kept.getByRole('button', { name: 'Discard' }).click()
    await kept.waitFor({ state: 'detached' })
    await a.getByText('All changes saved').waitFor()
    for (const list of errors) expect(list).toEqual([])
  }, 120_000)
})
