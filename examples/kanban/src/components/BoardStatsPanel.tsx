import { useInvalidateOnConfirm, useSyncQuery } from '@strata/state/query'
import type { BoardStats } from '../stats'

const statsKey = ['views', 'board-stats']

interface StatsRead {
  stats: BoardStats
  /** The server position the read model was at (`X-Position`). */
  position: string | null
}

const parse = async (response: Response): Promise<StatsRead> => ({
  stats: await response.json(),
  position: response.headers.get('x-position'),
})

/**
 * The server's read model of the board, through TanStack Query. `useSyncQuery` sends this
 * client's newest position token, so the answer always includes its own writes; the query is
 * invalidated when our writes are confirmed and when other windows' events arrive.
 */
export function BoardStatsPanel() {
  const query = useSyncQuery({ queryKey: statsKey, url: 'views/board-stats', parse })
  useInvalidateOnConfirm(() => [statsKey], { remote: true })
  const data = query.data
  return (
    <section className="stats" aria-label="Server read model" data-testid="server-stats">
      <h2>On the server</h2>
      {data ? (
        <dl>
          {data.stats.columns.map((c) => (
            <div key={c.id} className="stat">
              <dt>{c.title}</dt>
              <dd>{c.count}</dd>
            </div>
          ))}
          <div className="stat">
            <dt>Total</dt>
            <dd>{data.stats.total}</dd>
          </div>
        </dl>
      ) : (
        <p className="muted">{query.isError ? 'Read model unavailable' : 'Loading…'}</p>
      )}
      {data?.position && <p className="muted position">at position {data.position}</p>}
    </section>
  )
}
