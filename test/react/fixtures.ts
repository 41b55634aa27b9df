import { createStore } from '@strata/state'

export type BoardEvent =
  | { type: 'counted'; payload: number }
  | { type: 'renamed'; payload: string }
  | { type: 'tagged'; payload: string }

export interface Board {
  count: number
  name: string
  tags: string[]
}

export function boardReducer(draft: Board, event: BoardEvent) {
  if (event.type === 'counted') draft.count += event.payload
  else if (event.type === 'renamed') draft.name = event.payload
  else draft.tags.push(event.payload)
}

export function makeBoard() {
  return createStore({
    initialState: { count: 0, name: 'a', tags: [] } as Board,
    reducer: boardReducer,
  })
}

/** Renders per component label, so a test can assert who re-rendered. Reset between tests. */
export const renders: Record<string, number> = {}

export function hit(label: string) {
  renders[label] = (renders[label] ?? 0) + 1
}

export function resetRenders() {
  for (const label of Object.keys(renders)) delete renders[label]
}
