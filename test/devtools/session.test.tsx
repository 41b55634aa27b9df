// @vitest-environment jsdom
import { restoreStore, type SessionData } from '@strata/state/inspect'
import { loadSession } from '@strata/state/testing'
import { fireEvent, render, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { StrataDevtools } from '../../devtools/index'
import { history, type TodoState, todoReducer } from './fixtures'
import { fakeLayout } from './render'

beforeEach(() => {
  localStorage.clear()
  fakeLayout()
})

function shadow() {
  const mount = document
    .querySelector('strata-devtools')
    ?.shadowRoot?.querySelector<HTMLElement>('.sd-mount')
  if (!mount) throw new Error('no devtools shadow root')
  return within(mount)
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
    await waitFor(() => shadow().getByRole('region', { name: 'Strata devtools' }))
    const { name, text } = await exportFile()
    expect(name).toMatch(/^strata-todos-.*\.session\.json$/)
    const session = loadSession<TodoState>(text)
    expect(session).toMatchObject({ format: 'strata.session', version: 1, meta: { app: 'todos' } })
    expect(session.events.map((e) => e.event.type)).toEqual(store.logs.events.map((e) => e.type))
    expect(session.checkpoints.at(-1)!.state).toEqual(store.getState())
  })

  it('imports a file through `load`, and the app can swap in the restored store', async () => {
    const loaded: SessionData[] = []
    render(<StrataDevtools store={history()} initialIsOpen load={(s) => loaded.push(s)} />)
    await waitFor(() => shadow().getByRole('region', { name: 'Strata devtools' }))
    const { text } = await exportFile()
    const input = shadow().getByLabelText('Session file to import') as HTMLInputElement
    fireEvent.change(input, { target: { files: [new File([text], 'bug.session.json')] } })
    await waitFor(() => expect(loaded).toHaveLength(1))
    await waitFor(() =>
      expect(shadow().getByRole('status').textContent).toMatch(/^Imported bug.session.json/),
    )
    const restored = restoreStore<TodoState>(loaded[0]!, { reducer: todoReducer })
    expect(restored.getState()).toEqual(history().getState())
  })

  it('explains why import is off without `load`, and rejects a bad file', async () => {
    render(<StrataDevtools store={history()} initialIsOpen />)
    await waitFor(() => shadow().getByRole('region', { name: 'Strata devtools' }))
    const input = shadow().getByLabelText('Session file to import') as HTMLInputElement
    const { text } = await exportFile()
    fireEvent.change(input, { target: { files: [new File([text], 'a.json')] } })
    await waitFor(() =>
      expect(shadow().getByRole('status').textContent).toMatch(/needs the `load` option/),
    )
    fireEvent.change(input, {
      target: { files: [new File(['{"format":"strata.session","version":7}'], 'b.json')] },
    })
    await waitFor(() => expect(shadow().getByRole('status').textContent).toMatch(/version/))
  })
})
