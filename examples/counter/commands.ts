import type { CounterEvent, CounterState } from './reducer'

// Deciders: read the state, return the events. Editing them re-runs the recorded commands.
export const commands = {
  increment: (_state: CounterState, by: number): CounterEvent => ({
    type: 'incremented',
    payload: by,
  }),
  reset: (state: CounterState): CounterEvent[] => (state.count === 0 ? [] : [{ type: 'reset' }]),
}
