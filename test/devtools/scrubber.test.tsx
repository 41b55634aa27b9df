// @vitest-environment jsdom
import { replicaOf } from '@strata/state/sync'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { history } from './fixtures'
import { AppView, fakeLayout, renderPanel } from './render'

beforeEach(() => fakeLayout())

const slider = () => screen.getByRole('slider', { name: 'History position' }) as HTMLInputElement
const names = (s: any) =>
  s.todos.map((t: any) => `${t.text}${t.done ? '✓' : ''}`).join(',') || 'empty'

describe('the scrubber', () => {
  it('is a slider over the event log that moves the app to the old state', async () => {
    const store = history()
    renderPanel(store)
    render(<AppView store={store} pick={names} />)
    expect(slider().max).toBe('5')
    expect(slider().getAttribute('aria-valuetext')).toBe('State 5 of 5 (live)')
    expect(screen.getByRole('status', { name: 'app' }).textContent).toBe('milk✓,bread')
    fireEvent.change(slider(), { target: { value: '1' } })
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'app' }).textContent).toBe('milk'),
    )
    expect(store.history).toMatchObject({ cursor: 1, isLive: false })
    fireEvent.change(slider(), { target: { value: '0' } })
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'app' }).textContent).toBe('empty'),
    )
  })

  it('steps back and forward, and goes back to live', async () => {
    const { store } = renderPanel(history())
    fireEvent.click(screen.getByRole('button', { name: 'Step back' }))
    await waitFor(() => expect(store.history.cursor).toBe(4))
    fireEvent.click(screen.getByRole('button', { name: 'First state' }))
    await waitFor(() => expect(store.history.cursor).toBe(0))
    fireEvent.click(screen.getByRole('button', { name: 'Step forward' }))
    await waitFor(() => expect(store.history.cursor).toBe(1))
    fireEvent.click(screen.getByRole('button', { name: /Live/ }))
    await waitFor(() => expect(store.history.isLive).toBe(true))
    expect(screen.queryByRole('button', { name: /Live/ })).toBeNull()
  })

  it('says how many events arrived while the past is viewed', async () => {
    const { store } = renderPanel(history())
    fireEvent.click(screen.getByRole('button', { name: 'Step back' }))
    await waitFor(() => expect(store.history.cursor).toBe(4))
    act(() => {
      replicaOf(store).pull(
        [1, 2].map((n) => ({
          id: `other/${n}`,
          event: { type: 'added', payload: { id: `r${n}`, text: 'theirs' } },
          at: n,
          position: `v1:${n}`,
        })),
      )
    })
    const live = await waitFor(() => screen.getByRole('button', { name: /2 new, go live/ }))
    fireEvent.click(live)
    await waitFor(() => expect(store.history.isLive).toBe(true))
  })

  it('answers the keyboard shortcuts [ ] and L inside the panel', async () => {
    const { store } = renderPanel(history())
    const panel = slider()
    fireEvent.keyDown(screen.getByRole('listbox', { name: 'Events (5)' }), { key: '[' })
    await waitFor(() => expect(store.history.cursor).toBe(4))
    fireEvent.keyDown(panel.closest('.sd-scrubber')!, { key: '[' })
    await waitFor(() => expect(store.history.cursor).toBe(3))
    fireEvent.keyDown(panel.closest('.sd-scrubber')!, { key: ']' })
    await waitFor(() => expect(store.history.cursor).toBe(4))
    fireEvent.keyDown(panel.closest('.sd-scrubber')!, { key: 'l' })
    await waitFor(() => expect(store.history.isLive).toBe(true))
  })

  it('plays the history forward at the chosen speed and stops at the end', async () => {
    const { store } = renderPanel(history())
    fireEvent.change(screen.getByRole('combobox', { name: 'Playback speed' }), {
      target: { value: '60' },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Play' }))
    await waitFor(() => expect(store.history.cursor).toBe(0))
    await waitFor(() => expect(store.history.cursor).toBeGreaterThan(1))
    await waitFor(() => expect(store.history.isLive).toBe(true), { timeout: 3000 })
    await waitFor(() => expect(screen.getByRole('button', { name: 'Play' })).toBeTruthy())
  })

  it('marks failed events and hot reloads under the slider', async () => {
    const store = history()
    store.hot.replaceReducer((draft: any, e: any) => {
      if (e.type === 'filtered') draft.filter = 'all'
      else if (e.type === 'added') draft.todos.push({ ...e.payload, done: false })
    })
    const { container } = renderPanel(store)
    await waitFor(() => expect(container.querySelectorAll('.sd-m-error')).toHaveLength(0))
    expect(container.querySelector('.sd-m-hot')!.getAttribute('title')).toMatch(
      /Hot reload \(reducer\) changed the state from event 2/,
    )
    expect(screen.getByRole('tab', { name: 'Hot reload (1)' })).toBeTruthy()
  })
})
