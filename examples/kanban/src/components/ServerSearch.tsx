import { useSyncQuery } from '@strata/state/query'
import { useState } from 'react'
import { cardsKey, parseCards } from './BoardStatsPanel'

/**
 * Cards by column and title, searched by the server in its table (`GET /api/views/cards?column=
 * &q=`), with this page's position token: a card just added or renamed here is in the result.
 */
export function ServerSearch() {
  const [column, setColumn] = useState('')
  const [q, setQ] = useState('')
  const params = { column, q }
  const query = useSyncQuery({
    queryKey: [...cardsKey, params],
    url: 'views/cards',
    params,
    parse: parseCards,
    enabled: Boolean(column || q),
  })
  const matches = query.data?.view.matches
  return (
    <form
      className="server-search"
      aria-label="Search cards on the server"
      onSubmit={(e) => e.preventDefault()}
    >
      <label>
        Column{' '}
        <select value={column} onChange={(e) => setColumn(e.target.value)}>
          <option value="">Any</option>
          <option value="todo">To do</option>
          <option value="doing">Doing</option>
          <option value="done">Done</option>
        </select>
      </label>
      <label>
        Title <input value={q} onChange={(e) => setQ(e.target.value)} placeholder="contains…" />
      </label>
      <ul data-testid="server-search">
        {matches?.map((m) => (
          <li key={m.id}>
            {m.title} <span className="muted">({m.columnId})</span>
          </li>
        ))}
      </ul>
      {matches && !matches.length && <p className="muted">No card matches</p>}
    </form>
  )
}
