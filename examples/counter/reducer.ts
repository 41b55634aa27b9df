export interface CounterState {
  count: number
}

export type CounterEvent = { type: 'incremented'; payload: number } | { type: 'reset' }

export const initialState: CounterState = { count: 0 }

// Edit this while the app runs: the recorded events are replayed through the new code.
export function reducer(draft: CounterState, event: CounterEvent) {
  switch (event.type) {
    case 'incremented':
      draft.count += event.payload
      break
    case 'reset':
      draft.count = 0
      break
  }
}
