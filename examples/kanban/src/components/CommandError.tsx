import { useFeedback } from '../feedback'
import { useHistory } from '../hooks'
import { Icon } from './Icon'

/** The message of the last rejected command (for example "A card needs a title."). */
export function CommandError() {
  const { message, dismiss } = useFeedback()
  const { isLive } = useHistory()
  return (
    <div className="alert-slot" role="alert">
      {message && isLive && (
        <div className="banner error">
          <span>{message}</span>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss error"
            onClick={dismiss}
          >
            <Icon name="close" />
          </button>
        </div>
      )}
    </div>
  )
}
