import type { ReduxDevtoolsMessage } from '@strata/state/inspect'

/**
 * Stands in for the extension: records what the bridge calls, keeps the history the way the
 * extension's monitor does (init, one action per send, a lifted state replaces all), and sends
 * messages shaped as its page script hands them to `subscribe` listeners.
 */
export function recorder() {
  const calls: [string, ...unknown[]][] = []
  let listener: ((m: ReduxDevtoolsMessage) => void) | undefined
  let states: unknown[] = []
  let ids: number[] = []
  let nextId = 1
  const connection = {
    init(state: unknown) {
      calls.push(['init', state])
      states = [state]
      ids = [0]
      nextId = 1
    },
    send(action: unknown, state: any) {
      calls.push(['send', action, state])
      if (action === null) {
        states = state.computedStates.map((c: { state: unknown }) => c.state)
        ids = [...state.stagedActionIds]
        nextId = state.nextActionId
      } else {
        states.push(state)
        ids.push(nextId++)
      }
    },
    subscribe(fn: (m: ReduxDevtoolsMessage) => void) {
      listener = fn
      return () => (listener = undefined)
    },
    unsubscribe: () => calls.push(['unsubscribe']),
    error: (message: string) => calls.push(['error', message]),
  }
  const source = '@devtools-extension'
  return {
    calls,
    get states() {
      return states
    },
    get ids() {
      return ids
    },
    extension: {
      connect(options: Record<string, unknown>) {
        calls.push(['connect', options])
        return connection
      },
    },
    dispatch(payload: object, state?: unknown) {
      listener!({
        type: 'DISPATCH',
        payload,
        id: '1',
        source,
        ...(state === undefined ? {} : { state: JSON.stringify(state) }),
      })
    },
    jumpTo(index: number) {
      this.dispatch({ type: 'JUMP_TO_STATE', index, actionId: ids[index] }, states[index])
    },
    message(m: Omit<ReduxDevtoolsMessage, 'source'>) {
      listener!({ ...m, source })
    },
    /**
     * The extension's Import of a file, as its page script hands it to a `connect` listener: an
     * IMPORT_STATE dispatch of the parsed lifted state (the file may wrap it in `payload`).
     */
    importFile(text: string) {
      const parsed = JSON.parse(text)
      const wrapped = typeof parsed === 'object' && parsed !== null && 'payload' in parsed
      listener!({
        type: 'DISPATCH',
        payload: {
          type: 'IMPORT_STATE',
          nextLiftedState: wrapped ? JSON.parse(parsed.payload) : parsed,
          preloadedState:
            wrapped && parsed.preloadedState ? JSON.parse(parsed.preloadedState) : undefined,
        },
      })
    },
  }
}
