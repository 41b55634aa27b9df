import { createStore } from '@strata/state'
import { connectSync, replicaOf, type Sync } from '@strata/state/sync'
import { exportSession, replaySession, type Session } from '@strata/state/testing'
import { describe, expectTypeOf, it } from 'vitest'

type Ev = { type: 'added'; payload: { text: string } } | { type: 'cleared' }
const store = createStore({
  initialState: { items: [] as string[] },
  reducer: (draft, event: Ev) => {
    if (event.type === 'added') draft.items.push(event.payload.text)
    else draft.items = []
  },
})

describe('sync types', () => {
  it('types streamOf with the store’s events', () => {
    const sync = connectSync(store, {
      url: '/api',
      streamOf: (event) => {
        expectTypeOf(event).toEqualTypeOf<Ev>()
        return event.type === 'added' ? 'items' : 'admin'
      },
    })
    expectTypeOf(sync).toEqualTypeOf<Sync>()
    expectTypeOf(sync.fetch('/api/views/x')).resolves.toEqualTypeOf<Response>()
  })

  it('types the replica with the store’s events', () => {
    const pending = replicaOf(store).pending()
    const first = pending[0]!
    if (first.type === 'added') expectTypeOf(first.payload).toEqualTypeOf<{ text: string }>()
  })
})

describe('session types', () => {
  it('keeps the state type from export to replay', () => {
    const session = exportSession(store)
    expectTypeOf(session).toEqualTypeOf<Session<{ items: string[] }>>()
    const result = replaySession(session, {
      reducer: (draft, event) => {
        expectTypeOf(draft).toEqualTypeOf<{ items: string[] }>()
        return event ? draft : draft
      },
    })
    expectTypeOf(result.finalState).toEqualTypeOf<{ items: string[] }>()
  })
})
