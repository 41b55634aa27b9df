// @vitest-environment jsdom
import { restoreStore, type Session } from '@strata/state/inspect'
import { loadSession } from '@strata/state/testing'
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { StrataDevtools } from '../../devtools/index'
import { history, type TodoState, todoReducer } from './fixtures'
import { AppView, fakeLayout, rowsOf } from './render'

beforeEach(() => {
  localStorage.clear()
  fakeLayout()
})

function shadowRoot() {
  const mount = document
    .querySelector('strata-devtools')
    ?.shadowRoot?.querySelector<HTMLElement>('.sd-mount')
  if (!mount) throw new Error('no devtools shadow root')
  return mount
}

function shadow() {
  return within(shadowRoot())
}

/** Clicks Export and returns the downloaded file's name and text. */
async function exportFile() {
  let blob: Blob | undefined
  let name = ''
  vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
    blob = b as Blob
    return 'blob:session'
  })
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    name = this.download
  })
  fireEvent.click(shadow().getByRole('button', { name: 'Export' }))
  await waitFor(() => expect(name).not.toBe(''))
  return { name, text: await blob!.text() }
}

describe('export and import of a session', () => {
  it('exports a versioned strata.session file that @strata/state/testing loads', async () => {
    const store = history()
    render(<StrataDevtools store={store} initialIsOpen name="todos" />)
    await waitFor(() => shadow().getByRole('region', { name: /^Strata devtools/ }))
    const { name, text } = await exportFile()
    expect(name).toMatch(/^strata-todos-.*\.session\.json$/)
    const session = loadSession<TodoState>(text)
    expect(session).toMatchObject({ format: 'strata.session', version: 1, meta: { app: 'todos' } })
    expect(session.events.map((e) => e.event.type)).toEqual(store.logs.events.map((e) => e.type))
    expect(session.checkpoints.at(-1)!.state).toEqual(store.getState())
  })

  it('imports a file into the same store without `load`, and the app shows it', async () => {
    const store = history()
    store.history.toggle(store.logs.events[1]!.id)
    render(<StrataDevtools store={store} initialIsOpen />)
    render(<AppView store={store} pick={(s) => s.todos.map((t: any) => t.text).join(',')} />)
    await waitFor(() => shadow().getByRole('region', { name: /^Strata devtools/ }))
    const exported = store.logs.events.map((e) => [e.id, e.skipped])
    const { text } = await exportFile()
    // Change the app, and look at an old state, before importing.
    store.history.toggle(store.logs.events[1]!.id)
    store.dispatch({ type: 'added', payload: { id: 'c', text: 'tea' } })
    store.history.jumpTo(1)
    await waitFor(() => expect(shadow().getByRole('listbox', { name: 'Events (6)' })).toBeTruthy())
    const input = shadow().getByLabelText('Session file to import') as HTMLInputElement
    fireEvent.change(input, { target: { files: [new File([text], 'bug.session.json')] } })
    await waitFor(() =>
      expect(shadow().getByRole('status').textContent).toBe('Imported bug.session.json: 5 events'),
    )
    expect(store.logs.events.map((e) => [e.id, e.skipped])).toEqual(exported)
    expect(store.history.isLive).toBe(true)
    expect(screen.getByRole('status', { name: 'app' }).textContent).toBe('milk')
    await waitFor(() => expect(shadow().getByRole('listbox', { name: 'Events (5)' })).toBeTruthy())
    await waitFor(() =>
      expect(rowsOf('Events', shadowRoot())[1]!.className).toContain('sd-skipped'),
    )
  })

  it('hands a file to `load` when given, and the app can swap in the restored store', async () => {
    const loaded: Session[] = []
    const store = history()
    render(<StrataDevtools store={store} initialIsOpen load={(s) => loaded.push(s)} />)
    await waitFor(() => shadow().getByRole('region', { name: /^Strata devtools/ }))
    const { text } = await exportFile()
    store.dispatch({ type: 'filtered', payload: 'all' })
    const input = shadow().getByLabelText('Session file to import') as HTMLInputElement
    fireEvent.change(input, { target: { files: [new File([text], 'bug.session.json')] } })
    await waitFor(() => expect(loaded).toHaveLength(1))
    await waitFor(() =>
      expect(shadow().getByRole('status').textContent).toMatch(/^Imported bug.session.json/),
    )
    expect(store.logs.events).toHaveLength(6)
    const restored = restoreStore<TodoState>(loaded[0]!, { reducer: todoReducer })
    expect(restored.getState()).toEqual(history().getState())
  })

  it('does not import into a synced store without `load`, and rejects a bad file', async () => {
    const sync = { status: 'idle', subscribe: () => () => {} }
    const store = history()
    render(<StrataDevtools store={store} sync={sync} initialIsOpen />)
    await waitFor(() => shadow().getByRole('region', { name: /^Strata devtools/ }))
    expect(shadow().getByRole('button', { name: 'Import' }).title).toMatch(/synced store/)
    const input = shadow().getByLabelText('Session file to import') as HTMLInputElement
    const { text } = await exportFile()
    fireEvent.change(input, { target: { files: [new File([text], 'a.json')] } })
    await waitFor(() =>
      expect(shadow().getByRole('status').textContent).toMatch(/synced store.*`load`/),
    )
    expect(store.logs.events).toHaveLength(5)
    fireEvent.change(input, {
      target: { files: [new File(['{"format":"strata.session","version":7}'], 'b.json')] },
    })
    await waitFor(() => expect(shadow().getByRole('status').textContent).toMatch(/version/))
  })
})
