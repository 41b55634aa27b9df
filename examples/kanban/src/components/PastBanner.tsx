import { useHistory } from '../hooks'

/** Says the board shows the past, and how to get back. */
export function PastBanner() {
  const { cursor, length, isLive, toLive } = useHistory()
  if (isLive) return null
  return (
    <div className="banner past" role="status">
      <span>
        Viewing the board after change {cursor} of {length}. Editing is paused while you look back.
      </span>
      <button type="button" className="button" onClick={toLive}>
        Back to live
      </button>
    </div>
  )
}
