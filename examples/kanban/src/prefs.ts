import { timeTravel } from '@strata/state/zustand'
import { create } from 'zustand'

// An ordinary zustand store for view preferences. Wrapping its initializer in `timeTravel` is
// the only Strata-specific line: every `set` is now an event in `usePrefs.strata`'s logs, and
// the devtools can scrub it like the board.
export interface Prefs {
  filter: string
  compact: boolean
  setFilter(filter: string): void
  toggleCompact(): void
}

export const usePrefs = create<Prefs>()(
  timeTravel((set) => ({
    filter: '',
    compact: false,
    setFilter: (filter) => set({ filter }, false, 'prefs/filter'),
    toggleCompact: () => set((s) => ({ compact: !s.compact }), false, 'prefs/compact'),
  })),
)
