import type { ColumnId } from '../board'
import { useRun } from '../feedback'
import { useBoard } from '../hooks'
import { Icon } from './Icon'

interface Props {
  id: string
  title: string
  columnId: ColumnId
  index: number
  count: number
}

/** Keyboard-reachable moves: the same `moveCard` command as drag and drop. */
export function MoveControls({ id, title, columnId, index, count }: Props) {
  const run = useRun()
  const columns = useBoard((b) => b.columns)
  const at = columns.findIndex((c) => c.id === columnId)
  const before = columns[at - 1]
  const after = columns[at + 1]
  const move = (to: ColumnId, index?: number) =>
    run({ type: 'moveCard', payload: index === undefined ? { id, to } : { id, to, index } })

  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label={`Move "${title}" up`}
        title="Move up"
        disabled={index === 0}
        onClick={() => move(columnId, index - 1)}
      >
        <Icon name="up" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Move "${title}" down`}
        title="Move down"
        disabled={index === count - 1}
        onClick={() => move(columnId, index + 1)}
      >
        <Icon name="down" />
      </button>
      {before && (
        <button
          type="button"
          className="icon-button"
          aria-label={`Move "${title}" to ${before.title}`}
          title={`Move to ${before.title}`}
          onClick={() => move(before.id)}
        >
          <Icon name="left" />
        </button>
      )}
      {after && (
        <button
          type="button"
          className="icon-button"
          aria-label={`Move "${title}" to ${after.title}`}
          title={`Move to ${after.title}`}
          onClick={() => move(after.id)}
        >
          <Icon name="right" />
        </button>
      )}
    </>
  )
}
