import { useDispatch, useHistory, useStoreState } from './store'

export function App() {
  const count = useStoreState((s) => s.count)
  const dispatch = useDispatch()
  const history = useHistory()
  return (
    <main>
      <h1 data-testid="count">count: {count}</h1>
      <button type="button" onClick={() => dispatch({ type: 'increment', payload: 1 })}>
        increment
      </button>
      <button type="button" onClick={() => dispatch({ type: 'reset' })}>
        reset
      </button>
      <p data-testid="history">
        event {history.cursor} of {history.length} {history.isLive ? '(live)' : '(past)'}
      </p>
      <input
        aria-label="time travel"
        type="range"
        min={0}
        max={history.length}
        value={history.cursor}
        onChange={(e) => history.jumpTo(Number(e.target.value))}
      />
      <button type="button" disabled={history.isLive} onClick={history.toLive}>
        back to live
      </button>
    </main>
  )
}
