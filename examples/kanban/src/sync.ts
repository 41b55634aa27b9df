import { connectSync } from '@strata/state/sync'
import { personal } from './personal'
import { store } from './store'
import { boardStreamOf } from './streams'

// Local events go to the server through a durable outbox (IndexedDB); other windows' events
// come back by long poll and are rebased under ours. /api is proxied to server.ts by Vite.
// The API only answers requests with its development token, which start.ts hands to Vite.
export const sync = connectSync(store, {
  url: '/api',
  getToken: () => import.meta.env.VITE_STRATA_DEV_TOKEN,
  batch: { maxEvents: 50, maxDelayMs: 30 },
  // A stream per card: edits of different cards never conflict (see boardStreamOf).
  streamOf: boardStreamOf,
  // A window with nothing of its own starts from the server's snapshot of the board, not from
  // every event; a reload starts from this device's (see server.ts).
  snapshot: 'board',
  // Authors' names are personal: scrubbed here when the server says one was forgotten.
  personal,
})
