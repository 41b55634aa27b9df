// What a person is typing into a card's edit form, kept beside the board rather than in the form:
// if the card is deleted in another window meanwhile, or the saved edit is lost to a conflict,
// the text is still here and shown again (KeptDrafts) instead of vanishing with the card.
import { createContext, createElement, type ReactNode, useContext, useState } from 'react'
import { createStore, type StoreApi, useStore } from 'zustand'
import type { ColumnId } from './board'

export interface Draft {
  title: string
  description: string
  /** The card's title when the edit began, to name it once the card is gone. */
  was: string
  /** Why this text is not saved, when it came back from a lost command. */
  lost?: string | undefined
  /** The sync conflict it came back from, if it did. */
  conflictId?: string | undefined
  /** The column it was in, for "Add as a new card" once it is gone. */
  columnId?: ColumnId | undefined
  /** Called when the draft ends (saved or discarded): dismisses its conflict. */
  settle?: (() => void) | undefined
}

interface DraftsState {
  drafts: Readonly<Record<string, Draft>>
  /** Sets (or with undefined, ends) the draft of a card. */
  put(id: string, draft: Draft | undefined): void
}

const makeDrafts = () =>
  createStore<DraftsState>()((set) => ({
    drafts: {},
    put: (id, draft) =>
      set(({ drafts }) => {
        const { [id]: _, ...rest } = drafts
        return { drafts: draft ? { ...rest, [id]: draft } : rest }
      }),
  }))

const DraftsContext = createContext<StoreApi<DraftsState> | null>(null)

/** One set of drafts per board (tests render several boards, one after another). */
export function DraftsProvider({ children }: { children: ReactNode }) {
  const [drafts] = useState(makeDrafts)
  return createElement(DraftsContext.Provider, { value: drafts }, children)
}

export function useDrafts<T>(select: (state: DraftsState) => T): T {
  const drafts = useContext(DraftsContext)
  if (!drafts) throw new Error('useDrafts() needs a <DraftsProvider> above it.')
  return useStore(drafts, select)
}
