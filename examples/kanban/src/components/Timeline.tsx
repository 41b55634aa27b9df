import { useEffect } from 'react'
import { useFeedback } from '../feedback'
import { useHistory, useUndo } from '../hooks'
import { Icon } from './Icon'

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest('input, textarea, select') !== null
}

/**
 * Undo and Redo change the board: each dispatches the command that puts back what this window's
 * last change did (inverses.ts), saved and synced like any change. The slider only looks at the
 * history: the board is read-only there, and Live comes back to the present.
 */
export function Timeline() {
  const history = useHistory()
  const { cursor, length, isLive } = history
  const { canUndo, canRedo, undo, redo } = useUndo()
  const { show } = useFeedback()

  // Ctrl/Cmd+Z undoes, Shift+Ctrl/Cmd+Z or Ctrl+Y redoes; not while typing in a field.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (!(e.ctrlKey || e.metaKey) || typing(e.target) || !isLive) return
      const key = e.key.toLowerCase()
      if (key === 'z' || key === 'y') {
        e.preventDefault()
        show(key === 'y' || e.shiftKey ? redo() : undo())
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [isLive, undo, redo, show])

  return (
    <fieldset className="timeline">
      <legend className="visually-hidden">History</legend>
      <button
        type="button"
        className="button ghost"
        onClick={() => show(undo())}
        disabled={!canUndo || !isLive}
        title="Undo your last change (Ctrl+Z)"
      >
        <Icon name="undo" /> Undo
      </button>
      <button
        type="button"
        className="button ghost"
        onClick={() => show(redo())}
        disabled={!canRedo || !isLive}
        title="Redo (Ctrl+Shift+Z)"
      >
        <Icon name="redo" /> Redo
      </button>
      <input
        type="range"
        aria-label="Time travel"
        aria-valuetext={`Change ${cursor} of ${length}`}
        min={0}
        max={length}
        value={cursor}
        disabled={length === 0}
        onChange={(e) => history.jumpTo(Number(e.target.value))}
      />
      <span className="timeline-position" data-testid="history-position">
        {cursor} / {length}
      </span>
      <button
        type="button"
        className="button live"
        onClick={history.toLive}
        disabled={isLive}
        title="Back to the newest state"
      >
        <Icon name="live" /> Live
      </button>
    </fieldset>
  )
}
