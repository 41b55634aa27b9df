import { useHistory } from '../hooks'
import { useArrivedWhileAway } from '../useArrived'

/** Says the board shows the past, what arrived meanwhile, and how to get back. */
export function PastBanner() {
  const { cursor, length, isLive, toLive } = useHistory()
  const arrived = useArrivedWhileAway(isLive, length)
  if (isLive) return null
  return (
    <div className="banner past" role="status">
      <span>
        Viewing the board after change {cursor} of {length}. Editing is paused while you look back.
      </span>
      <button type="button" className="button" onClick={toLive}>
        {arrived > 0
          ? `${arrived} new ${arrived === 1 ? 'event' : 'events'}, go live`
          : 'Back to live'}
      </button>
    </div>
  )
}
