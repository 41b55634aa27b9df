import type { Store } from '@strata/state'
import { useSyncExternalStore } from 'react'
import type { Traffic } from './traffic'

const number = new Intl.NumberFormat('en')

/** The dashboard behind the panel in the long stories: scrub the panel, the figures follow. */
export function TrafficApp({ store }: { store: Store<Traffic, any, any> }) {
  const state = useSyncExternalStore(store.subscribe, store.getState)
  const pages = Object.entries(state.pages).sort((a, b) => b[1].views - a[1].views)
  return (
    <main style={{ fontFamily: 'system-ui', padding: 24, maxWidth: 560 }}>
      <h2 style={{ margin: '0 0 4px' }}>Site traffic</h2>
      <p style={{ color: '#667085', margin: '0 0 12px' }}>
        {number.format(state.views)} page views · {number.format(state.signups)} sign-ups · release{' '}
        {state.release}
        {state.last && ` · last visit ${state.last}`}
      </p>
      <table style={{ borderCollapse: 'collapse', width: '100%', fontSize: 14 }}>
        <thead>
          <tr style={{ textAlign: 'left', color: '#667085' }}>
            <th>Page</th>
            <th style={{ textAlign: 'right' }}>Views</th>
            <th style={{ textAlign: 'right' }}>Average load</th>
          </tr>
        </thead>
        <tbody>
          {pages.map(([path, page]) => (
            <tr key={path}>
              <td>{path}</td>
              <td style={{ textAlign: 'right' }}>{number.format(page.views)}</td>
              <td style={{ textAlign: 'right' }}>{Math.round(page.ms / page.views)} ms</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  )
}
