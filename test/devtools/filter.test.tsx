// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { counterStore, history } from './fixtures'
import { fakeLayout, renderPanel, rowsOf } from './render'

beforeEach(() => fakeLayout())

const types = () => rowsOf('Events').map((r) => r.querySelector('.sd-type')!.textContent)

describe('the event filter', () => {
  it('keeps events whose payload contains the text', async () => {
    renderPanel(history())
    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter events' }), {
      target: { value: 'bread' },
    })
    await waitFor(() => expect(screen.getByRole('listbox', { name: 'Events (1)' })).toBeTruthy())
    await waitFor(() => expect(types()).toEqual(['added']))
    expect(screen.getByText('1 match')).toBeTruthy()
  })

  it('filters by type and by marks', async () => {
    renderPanel(history())
    await screen.findByRole('option', { name: 'toggled' })
    fireEvent.change(screen.getByRole('combobox', { name: 'Event type' }), {
      target: { value: 'toggled' },
    })
    await waitFor(() => expect(screen.getByRole('listbox', { name: 'Events (2)' })).toBeTruthy())
    fireEvent.click(screen.getByRole('button', { name: 'Errors' }))
    await waitFor(() => expect(screen.getByRole('listbox', { name: 'Events (1)' })).toBeTruthy())
    await waitFor(() =>
      expect(rowsOf('Events')[0]!.getAttribute('aria-label')).toBe('Event 3 toggled, failed'),
    )
  })

  it('fills in over a long log without blocking, and selects by log index', async () => {
    renderPanel(counterStore(200_000))
    await screen.findByRole('option', { name: 'dec' })
    fireEvent.change(screen.getByRole('combobox', { name: 'Event type' }), {
      target: { value: 'dec' },
    })
    await waitFor(
      () => expect(screen.getByRole('listbox', { name: 'Events (28,571)' })).toBeTruthy(),
      { timeout: 10_000 },
    )
    fireEvent.keyDown(screen.getByRole('listbox', { name: 'Events (28,571)' }), { key: 'Home' })
    await waitFor(() => expect(rowsOf('Events')[0]!.getAttribute('aria-label')).toBe('Event 3 dec'))
    fireEvent.click(rowsOf('Events')[1]!)
    await waitFor(() => expect(screen.getByText('event 10')).toBeTruthy())
  }, 20_000)
})
