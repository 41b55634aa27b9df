import { createEventServer, sqliteStorage } from '@strata/state/server'
import { connectSync, type Sync } from '@strata/state/sync'
import { cardsView } from '../../examples/kanban/cardsView'
import { boardEventSchema, boardProjection } from '../../examples/kanban/readModel'
import type { BoardStore } from '../../examples/kanban/src/hooks'
import { boardStreamOf } from '../../examples/kanban/src/streams'

type Closing = (() => Promise<void>)[]

/**
 * The demo's event server (read models, schema) in memory (SQLite's, for the table projection),
 * closed by the test's afterEach.
 */
export function kanbanServer(closing: Closing) {
  const storage = sqliteStorage(':memory:')
  const events = createEventServer({
    storage,
    projections: [boardProjection, cardsView],
    validate: boardEventSchema,
    onError: () => {},
  })
  closing.push(async () => {
    await events.close()
    await storage.close()
  })
  /** The types of every event the server stored, in order. */
  async function storedTypes(): Promise<string[]> {
    const response = await events.fetch(new Request('http://kanban/events?limit=1000'))
    const body = (await response.json()) as { events: { type: string }[] }
    return body.events.map((e) => e.type)
  }
  return Object.assign(events, { storedTypes })
}

/** A window's sync, as sync.ts connects it (a stream per card), without IndexedDB. */
export function connectBoard(
  store: BoardStore,
  handler: ReturnType<typeof kanbanServer>,
  closing: Closing,
): Sync {
  const sync = connectSync(store, {
    fetch: handler.fetch,
    persist: false,
    locks: false,
    batch: { maxDelayMs: 0 },
    streamOf: boardStreamOf,
  })
  closing.push(() => sync.close())
  return sync
}
