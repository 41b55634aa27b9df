import { broadcastTransport, createInspectClient, createInspectHost } from '@strata/state/inspect'
import { describe, expect, it } from 'vitest'
import { history, tick } from './fixtures'

describe('inspect protocol over a BroadcastChannel', () => {
  it('serves a panel in another window: requests, commands and pushes', async () => {
    const store = history()
    const name = `strata-test-${Math.random()}`
    const host = createInspectHost(store, {
      transport: broadcastTransport(name),
      name: 'todos',
    })
    const clientEnd = broadcastTransport(name)
    const client = createInspectClient({ transport: clientEnd, channel: 'todos' })
    try {
      const rows = await client.request({ type: 'events', start: 0, end: 2 })
      expect(rows.map((r) => r.payload)).toEqual([
        { id: 'a', text: 'milk' },
        { id: 'b', text: 'bread' },
      ])
      await client.request({ type: 'jumpTo', index: 2 })
      expect(store.history.cursor).toBe(2)
      store.dispatch({ type: 'filtered', payload: 'all' })
      for (let i = 0; i < 20 && client.meta?.length !== 6; i++) await tick()
      expect(client.meta).toMatchObject({ name: 'todos', length: 6, cursor: 2 })
    } finally {
      client.close()
      clientEnd.close?.()
      host.close()
    }
  })

  it('describes values the structured clone cannot copy instead of failing', async () => {
    const store = history()
    store.dispatch({ type: 'filtered', payload: { open: true, onPick() {} } } as never)
    const name = `strata-test-${Math.random()}`
    const host = createInspectHost(store, { transport: broadcastTransport(name) })
    const clientEnd = broadcastTransport(name)
    const client = createInspectClient({ transport: clientEnd, timeoutMs: 2000 })
    try {
      const [row] = await client.request({ type: 'events', start: 5, end: 6 })
      expect(row!.payload).toEqual({ open: true, onPick: '[Function onPick]' })
    } finally {
      client.close()
      clientEnd.close?.()
      host.close()
    }
  })
})
