// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { history } from './fixtures'
import { fakeLayout, renderPanel } from './render'

beforeEach(() => fakeLayout())

const changes = () =>
  within(screen.getByRole('list', { name: 'Changes' }))
    .getAllByRole('listitem')
    .map((li) => li.textContent)

describe('the diff', () => {
  it('compares the viewed state with the one before, with jsondiffpatch', async () => {
    const { client } = renderPanel(history())
    await client.request({ type: 'jumpTo', index: 3 })
    fireEvent.click(screen.getByRole('tab', { name: 'Diff' }))
    await waitFor(() => expect(changes()).toEqual(['changedtodos.0.donefalsetrue']))
    expect(screen.getByText('state 2 → 3')).toBeTruthy()
  })

  it('compares any two chosen states', async () => {
    renderPanel(history())
    fireEvent.click(screen.getByRole('tab', { name: 'Diff' }))
    fireEvent.click(screen.getByRole('button', { name: 'Two states' }))
    fireEvent.change(screen.getByRole('spinbutton', { name: 'State A' }), {
      target: { value: '1' },
    })
    fireEvent.change(screen.getByRole('spinbutton', { name: 'State B' }), {
      target: { value: '5' },
    })
    await waitFor(() =>
      expect(changes()).toEqual([
        'changedtodos.0.donefalsetrue',
        'addedtodos.1{id: "b", text: "bread", done: false}',
        'changedfilter"all""open"',
      ]),
    )
  })

  it('says when two states are equal', async () => {
    const { client } = renderPanel(history())
    await client.request({ type: 'jumpTo', index: 4 })
    fireEvent.click(screen.getByRole('tab', { name: 'Diff' }))
    expect(await screen.findByText('The two states are equal.')).toBeTruthy()
  })
})
