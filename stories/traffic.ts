import { createStore, type Store } from '@strata/state'

/** A site's traffic, folded from page views: the long history of the 100k and 1M stories. */
export interface Traffic {
  views: number
  signups: number
  release: string
  last: string
  pages: Record<string, { views: number; ms: number }>
}

export type TrafficEvent =
  | { type: 'pageViewed'; payload: { path: string; ms: number } }
  | { type: 'signedUp'; payload: { plan: 'free' | 'team' } }
  | { type: 'released'; payload: { version: string } }

const paths = [
  '/',
  '/pricing',
  '/docs',
  '/docs/sync',
  '/docs/devtools',
  '/docs/testing',
  '/blog',
  '/blog/time-travel',
  '/changelog',
  '/signup',
  '/login',
  '/account',
]

const initialTraffic: Traffic = { views: 0, signups: 0, release: 'v1.0', last: '', pages: {} }

// A Redux-style reducer on the plain state (immer: false): cheap enough for a million events.
function trafficReducer(s: Traffic, e: TrafficEvent): Traffic {
  switch (e.type) {
    case 'pageViewed': {
      const page = s.pages[e.payload.path] ?? { views: 0, ms: 0 }
      const next = { views: page.views + 1, ms: page.ms + e.payload.ms }
      return {
        ...s,
        views: s.views + 1,
        last: e.payload.path,
        pages: { ...s.pages, [e.payload.path]: next },
      }
    }
    case 'signedUp':
      return { ...s, signups: s.signups + 1 }
    case 'released':
      return { ...s, release: e.payload.version }
  }
}

/**
 * `n` events of a site's traffic: page views (popular pages more often, load times that vary),
 * a sign-up now and then, and a release every 20,000 events. Seeded, so every build is alike.
 */
export function trafficHistory(n: number): Store<Traffic, any, TrafficEvent> {
  const store = createStore({ initialState: initialTraffic, reducer: trafficReducer, immer: false })
  let seed = 42
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed / 2_147_483_648
  }
  let minor = 0
  for (let i = 0; i < n; i++) {
    if (i % 20_000 === 19_999) {
      store.dispatch({ type: 'released', payload: { version: `v1.${++minor}` } })
    } else if (random() < 0.02) {
      store.dispatch({ type: 'signedUp', payload: { plan: random() < 0.2 ? 'team' : 'free' } })
    } else {
      // Squaring skews towards the first pages, as real traffic is.
      const path = paths[Math.floor(random() ** 2 * paths.length)]!
      store.dispatch({ type: 'pageViewed', payload: { path, ms: Math.round(40 + random() * 400) } })
    }
  }
  return store
}
