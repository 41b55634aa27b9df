import { useInvalidateOnConfirm, useSyncQuery } from '@strata/state/query'
import { useState } from 'react'
import type { CardsView } from '../../cardsView'
import { ServerSearch } from './ServerSearch'

/** Every query of the server's `cards` view (counts, searches) starts with this key. */
export const cardsKey = ['views', 'cards']

export interface CardsRead {
  view: CardsView
  /** The server position the read model was at (`X-Position`). */
  position: string | null
}

export const parseCards = async (response: Response): Promise<CardsRead> => ({
  view: await response.json(),
  position: response.headers.get('x-position'),
})

/**
 * The server's read model of the board (an SQL table, `cards`), through TanStack Query.
 * `useSyncQuery` sends this client's newest position token, so the answer always includes its
 * own writes; the queries are invalidated when our writes are confirmed and when other
 * windows' events arrive.
 */
export function BoardStatsPanel() {
  const query = useSyncQuery({ queryKey: cardsKey, url: 'views/cards', parse: parseCards })
  useInvalidateOnConfirm(() => [cardsKey], { remote: true })
  const [open, setOpen] = useState(false)
  const data = query.data
  return (
    <section className="stats" aria-label="Server read model" data-testid="server-stats">
      <h2>On the server</h2>
      {data ? (
        <dl>
          {data.view.columns.map((c) => (
            <div key={c.id} className="stat">
              <dt>{c.title}</dt>
              <dd>{c.count}</dd>
            </div>
          ))}
          <div className="stat">
            <dt>Total</dt>
            <dd>{data.view.total}</dd>
          </div>
        </dl>
      ) : (
        <p className="muted">{query.isError ? 'Read model unavailable' : 'Loading…'}</p>
      )}
      {data?.position && <p className="muted position">at position {data.position}</p>}
      {open ? (
        <ServerSearch />
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          Search on the server
        </button>
      )}
    </section>
  )
}
