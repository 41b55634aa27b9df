import { useId } from 'react'
import { usePrefs } from '../prefs'

/** View preferences, kept in a plain zustand store made time-travelling with `timeTravel`. */
export function Filters() {
  const { filter, compact, setFilter, toggleCompact } = usePrefs()
  const id = useId()
  // A set applies at the head of the store's history; show the head again if the devtools
  // left the preferences in the past, or typing would seem to do nothing.
  const live = () => {
    const { history } = usePrefs.strata
    if (!history.isLive) history.toLive()
  }
  return (
    <div className="filters">
      <label htmlFor={id} className="visually-hidden">
        Filter cards
      </label>
      <input
        id={id}
        type="search"
        className="filter"
        placeholder="Filter cards"
        value={filter}
        onChange={(e) => {
          live()
          setFilter(e.target.value)
        }}
      />
      <label className="toggle">
        <input
          type="checkbox"
          checked={compact}
          onChange={() => {
            live()
            toggleCompact()
          }}
        />
        Compact
      </label>
    </div>
  )
}
