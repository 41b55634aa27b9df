// @vitest-environment jsdom
import {
  createStoreHooks,
  StoreProvider,
  useDispatch,
  useHistory,
  useStore,
  useStoreState,
} from '@strata/state/react'
import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeBoard } from './fixtures'

afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

// React logs errors thrown in render; keep the output to what the test asserts.
function renderError(ui: ReactNode): Error {
  vi.spyOn(console, 'error').mockImplementation(() => {})
  try {
    render(ui)
  } catch (error) {
    return error as Error
  }
  throw new Error('expected render to throw')
}

function Orphan({ use }: { use: () => unknown }) {
  use()
  return null
}

function Name({ id }: { id: string }) {
  return <p data-testid={id}>{useStoreState((s: { name: string }) => s.name)}</p>
}

// Hooks bound to one store, and hooks typed for a store but reading the provider.
const bound = makeBoard()
const boundHooks = createStoreHooks(bound)
const providedHooks = createStoreHooks<typeof bound>()

function BoundCounter() {
  const count = boundHooks.useStoreState((s) => s.count)
  const dispatch = boundHooks.useDispatch()
  const { cursor } = boundHooks.useHistory()
  return (
    <button type="button" onClick={() => dispatch({ type: 'counted', payload: 4 })}>
      {`count ${count} at ${cursor}`}
    </button>
  )
}

let seenStore: unknown
function ProvidedName() {
  seenStore = providedHooks.useStore()
  return <p>{providedHooks.useStoreState((s) => s.name)}</p>
}

describe('StoreProvider', () => {
  it.each([
    ['useStoreState', () => useStoreState((s) => s)],
    ['useDispatch', () => useDispatch()],
    ['useHistory', () => useHistory()],
    ['useStore', () => useStore()],
  ])('%s outside a provider throws a [strata] error that says what to do', (hook, use) => {
    const error = renderError(<Orphan use={use} />)
    expect(error.message).toMatch(/^\[strata\] /)
    expect(error.message).toContain(`${hook}() was called outside <StoreProvider>`)
    expect(error.message).toContain('<StoreProvider store={store}>')
  })

  it.each([
    ['undefined', undefined],
    ['a plain object', { state: 1 }],
  ])('rejects a store prop that is %s', (_label, bad) => {
    const error = renderError(<StoreProvider store={bad as never} />)
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(/^\[strata\] <StoreProvider> expects a `store` prop/)
  })

  it('gives each subtree the store of its nearest provider', () => {
    const outer = makeBoard()
    const inner = makeBoard()
    inner.dispatch({ type: 'renamed', payload: 'inner' })
    render(
      <StoreProvider store={outer}>
        <Name id="o" />
        <StoreProvider store={inner}>
          <Name id="i" />
        </StoreProvider>
      </StoreProvider>,
    )
    expect(screen.getByTestId('o').textContent).toBe('a')
    expect(screen.getByTestId('i').textContent).toBe('inner')
  })
})

describe('createStoreHooks', () => {
  it('with a store, reads that store without any provider', () => {
    render(<BoundCounter />)
    fireEvent.click(screen.getByRole('button'))
    expect(screen.getByText('count 4 at 1')).toBeTruthy()
    expect(bound.getState().count).toBe(4)
  })

  it('without a store, reads the provider and keeps the missing-provider error', () => {
    const store = makeBoard()
    render(
      <providedHooks.StoreProvider store={store}>
        <ProvidedName />
      </providedHooks.StoreProvider>,
    )
    expect(seenStore).toBe(store)
    expect(screen.getByText('a')).toBeTruthy()
    cleanup()
    const error = renderError(<ProvidedName />)
    expect(error.message).toMatch(/^\[strata\] useStore\(\) was called outside/)
  })
})
