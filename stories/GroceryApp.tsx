import type { Store } from '@strata/state'
import { useSyncExternalStore } from 'react'
import type { Groceries } from './histories'

/** The app behind the panel in the stories: it re-renders whatever state the devtools show. */
export function GroceryApp({ store }: { store: Store<Groceries, any, any> }) {
  const state = useSyncExternalStore(store.subscribe, store.getState)
  return (
    <main style={{ fontFamily: 'system-ui', padding: 24, maxWidth: 520 }}>
      <h2 style={{ margin: '0 0 4px' }}>Groceries</h2>
      <p style={{ color: '#667085', margin: '0 0 12px' }}>
        {state.items.length} items · {state.items.filter((i) => i.done).length} done{' '}
        {state.note && `· ${state.note}`}
      </p>
      <button
        type="button"
        onClick={() =>
          store.dispatch({ type: 'add', payload: { text: `item ${state.items.length + 1}` } })
        }
      >
        Add an item
      </button>
      <ul>
        {state.items.slice(0, 12).map((i) => (
          <li key={i.id} style={{ textDecoration: i.done ? 'line-through' : 'none' }}>
            {i.text} × {i.qty}
          </li>
        ))}
      </ul>
    </main>
  )
}
