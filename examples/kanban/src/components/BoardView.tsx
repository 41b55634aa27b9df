import { useBoard, useHistory } from '../hooks'
import { ColumnView } from './ColumnView'

/** The three columns. In the past (time travel) the board is read-only. */
export function BoardView() {
  const ids = useBoard(
    (b) => b.columns.map((c) => c.id),
    (a, b) => a.join() === b.join(),
  )
  const { isLive } = useHistory()
  return (
    <fieldset className="board" disabled={!isLive} aria-label="Board">
      {ids.map((id) => (
        <ColumnView key={id} columnId={id} />
      ))}
    </fieldset>
  )
}
