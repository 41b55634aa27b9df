// @vitest-environment jsdom

import { replicaOf } from '@strata/state/sync'
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { addCard, boardStore, card, renderBoard, titles } from './render'
import { connectBoard, kanbanServer } from './server'

// Two windows of the demo on one event server (in memory): what the person in window A sees when
// window B deleted the card A was editing, before A saved (the form stays) or after (the lost
// edit comes back as a form, with why).
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  cleanup()
  for (const close of closing.splice(0)) await close()
})

const button = (name: string) => screen.getByRole('button', { name })

async function twoWindows() {
  const handler = kanbanServer(closing)
  const a = boardStore()
  const syncA = connectBoard(a, handler, closing)
  renderBoard({ store: a, sync: syncA })
  const b = boardStore()
  const syncB = connectBoard(b, handler, closing)
  addCard('To do', 'Race card')
  await act(() => syncA.flush())
  await act(() => syncB.pull())
  const id = Object.keys(b.getState().cards)[0]!
  return { handler, a, syncA, b, syncB, id }
}

describe('a card edited in one window and deleted in another', () => {
  it('an edit saved offline and lost: the conflict is shown with the typed text, nothing stored', async () => {
    const { handler, syncA, b, syncB, id } = await twoWindows()
    syncA.pause()
    fireEvent.click(button('Edit "Race card"'))
    fireEvent.change(screen.getByLabelText('Description'), { target: { value: 'Typed in A' } })
    fireEvent.click(button('Save'))
    expect(card('Race card').textContent).toContain('Typed in A')

    b.dispatch({ type: 'deleteCard', payload: { id } })
    await act(() => syncB.flush())
    syncA.resume()

    const kept = await screen.findByRole('region', { name: 'Edits not saved' }, { timeout: 5000 })
    expect(within(kept).getByRole('alert').textContent).toBe(
      "Your edit of 'Race card' was not saved: it was deleted in another window. Your text is kept here.",
    )
    expect((within(kept).getByLabelText('Description') as HTMLTextAreaElement).value).toBe(
      'Typed in A',
    )
    expect((within(kept).getByLabelText('Title') as HTMLInputElement).value).toBe('Race card')
    expect(titles('To do')).toEqual([])
    // Not "All changes saved" while the edit is lost and not yet seen to.
    await screen.findByText('1 change not saved')
    expect(syncA.getSnapshot().reducerErrors).toEqual([])
    const stored = await handler.storedTypes()
    expect(stored).toEqual(['card/created', 'card/deleted'])

    // The typed text becomes a new card; the conflict is dismissed with it.
    fireEvent.click(within(kept).getByRole('button', { name: 'Add as a new card' }))
    expect(titles('To do')).toEqual(['Race card'])
    expect(card('Race card').textContent).toContain('Typed in A')
    expect(screen.queryByRole('region', { name: 'Edits not saved' })).toBeNull()
    await screen.findByText('All changes saved')
    expect(syncA.conflicts.getSnapshot()).toEqual([])
  })

  it('the form open while the card is deleted elsewhere stays, with what was typed', async () => {
    const { syncA, b, syncB, id } = await twoWindows()
    fireEvent.click(button('Edit "Race card"'))
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Race card, renamed' } })

    b.dispatch({ type: 'deleteCard', payload: { id } })
    await act(() => syncB.flush())
    await act(() => syncA.pull())

    const kept = await screen.findByRole('region', { name: 'Edits not saved' })
    expect(within(kept).getByRole('alert').textContent).toContain(
      "'Race card' was deleted while you were editing it.",
    )
    expect((within(kept).getByLabelText('Title') as HTMLInputElement).value).toBe(
      'Race card, renamed',
    )
    fireEvent.click(within(kept).getByRole('button', { name: 'Discard' }))
    expect(screen.queryByRole('region', { name: 'Edits not saved' })).toBeNull()
    expect(titles('To do')).toEqual([])
  })

  it('a lost move is a message to dismiss, and the status says it until then', async () => {
    const { syncA, b, syncB, id } = await twoWindows()
    syncA.pause()
    fireEvent.click(button('Move "Race card" to Doing'))
    b.dispatch({ type: 'deleteCard', payload: { id } })
    await act(() => syncB.flush())
    syncA.resume()
    const alert = await screen.findByText(
      "Your move of 'Race card' was not saved: it was deleted in another window.",
      {},
      { timeout: 5000 },
    )
    await screen.findByText('1 change not saved')
    fireEvent.click(within(alert.parentElement!).getByRole('button', { name: 'Dismiss' }))
    await screen.findByText('All changes saved')
  })
})

describe('undo of something another window changed', () => {
  it('undoing an edit of a card deleted elsewhere is refused with the reason', () => {
    const { store } = renderBoard()
    addCard('To do', 'Mine')
    fireEvent.click(button('Edit "Mine"'))
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Mine, edited' } })
    fireEvent.click(button('Save'))
    const id = Object.keys(store.getState().cards)[0]!
    // This window's two events stored, then another window's deletion of the card.
    const mine = store.logs.events.map((e, i) => ({
      id: e.id,
      event: e.event,
      at: e.at,
      position: `v1:${i + 1}`,
    }))
    const deleted = { type: 'card/deleted', payload: { id } }
    act(() => {
      replicaOf(store).pull([...mine, { id: 'other/1', event: deleted, at: 1, position: 'v1:3' }])
    })
    fireEvent.click(button('Undo'))
    expect(screen.getByRole('alert').textContent).toContain('it may have been deleted')
    expect(titles('To do')).toEqual([])
    expect(store.logs.events.filter((e) => e.error !== undefined)).toEqual([])
  })
})
