import { useEffect } from 'react'
import { useHistory } from '../hooks'
import { Icon } from './Icon'

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest('input, textarea, select') !== null
}

/** Undo and redo as steps through the event log, a slider over it, and the way back to live. */
export function Timeline() {
  const history = useHistory()
  const { cursor, length, isLive, step } = history

  // Ctrl/Cmd+Z steps back, Shift+Ctrl/Cmd+Z or Ctrl+Y forward; not while typing in a field.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (!(e.ctrlKey || e.metaKey) || typing(e.target)) return
      const key = e.key.toLowerCase()
      if (key === 'z' || key === 'y') {
        e.preventDefault()
        step(key === 'y' || e.shiftKey ? 1 : -1)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [step])

  return (
    <fieldset className="timeline">
      <legend className="visually-hidden">History</legend>
      <button
        type="button"
        className="button ghost"
        onClick={() => step(-1)}
        disabled={cursor === 0}
        title="Undo (Ctrl+Z)"
      >
        <Icon name="undo" /> Undo
      </button>
      <button
        type="button"
        className="button ghost"
        onClick={() => step(1)}
        disabled={isLive}
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
