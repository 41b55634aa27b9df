import { useSync } from '@strata/state/query'
import type { Conflict } from '@strata/state/sync'
import { useEffect, useSyncExternalStore } from 'react'
import { cardOf, conflictMessage } from '../conflictMessage'
import { useDrafts } from '../drafts'
import { type BoardStore, useStore } from '../hooks'
import { Icon } from './Icon'

/** The board now, also while the person looks back at an earlier one. */
const present = (store: BoardStore) => store.logs.states.at(store.history.length)

/**
 * Changes of this window that another window's won over (`sync.conflicts`). A lost edit goes back
 * into the drafts with what was typed (KeptDrafts shows it, or the card's form if the card is
 * still there); any other lost change is a message to dismiss. Until then, the sync status does
 * not say that everything is saved.
 */
export function ConflictNotices() {
  const sync = useSync()
  const store = useStore()
  const conflicts = useSyncExternalStore(sync.conflicts.subscribe, sync.conflicts.getSnapshot)
  const drafts = useDrafts((d) => d.drafts)
  const put = useDrafts((d) => d.put)

  // A lost edit of a card without a draft open becomes its draft again.
  const adoptable = (conflict: Conflict) => {
    const id = cardOf(conflict)
    return conflict.command.type === 'editCard' && id !== undefined && !drafts[id] ? id : undefined
  }
  useEffect(() => {
    for (const conflict of conflicts) {
      const id = adoptable(conflict)
      if (id === undefined) continue
      const typed = conflict.command.payload as { title: string; description?: string }
      const lost = conflictMessage(conflict, store.logs.events, present(store))
      put(id, {
        title: typed.title,
        description: typed.description ?? '',
        was: typed.title,
        lost,
        conflictId: conflict.id,
        settle: () => sync.conflicts.dismiss(conflict.id),
      })
    }
  })

  const adopted = new Set(Object.values(drafts).map((d) => d.conflictId))
  const shown = conflicts.filter((c) => !adopted.has(c.id) && adoptable(c) === undefined)
  if (!shown.length) return null
  return (
    <div className="conflicts">
      {shown.map((conflict) => (
        <div key={conflict.id} className="banner conflict" role="alert">
          <span>{conflictMessage(conflict, store.logs.events, present(store))}</span>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss"
            onClick={() => sync.conflicts.dismiss(conflict.id)}
          >
            <Icon name="close" />
          </button>
        </div>
      ))}
    </div>
  )
}
