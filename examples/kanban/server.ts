// The kanban API: Strata's event server on the embedded SQLite store, with a read model of the
// board folded by the same reducer the browser uses. `start.ts` runs it beside Vite; alone:
//   node --import tsx examples/kanban/server.ts
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { devToken, type RunningServer, serve } from '@strata/state/server'
import { cardsView } from './cardsView'
import { boardEventSchema, boardProjection, boardSnapshot } from './readModel'
import { personal } from './src/personal'

export const defaultDb = fileURLToPath(new URL('./.data/events.db', import.meta.url))

export interface KanbanServerOptions {
  /** SQLite file; made with its folder when missing. Default examples/kanban/.data/events.db. */
  db?: string
  /** Default 8787; 0 picks a free port. */
  port?: number
  hostname?: string
  /**
   * The development token every request must bear (`Authorization: Bearer <token>`). Default
   * STRATA_DEV_TOKEN, or a random one made at start: nothing else on this machine can read or
   * write the board.
   */
  token?: string
}

export interface KanbanServer extends RunningServer {
  token: string
}

/** Serves the event server under /api on Node, behind a development token. */
export async function startKanbanServer(options: KanbanServerOptions = {}): Promise<KanbanServer> {
  const { db = defaultDb, port = 8787, hostname = '127.0.0.1' } = options
  const token = options.token ?? process.env.STRATA_DEV_TOKEN ?? randomBytes(16).toString('hex')
  mkdirSync(dirname(db), { recursive: true })
  const running = await serve({
    db,
    port,
    hostname,
    basePath: '/api',
    // One shared secret for the demo, an admin's: "Forget me" is an admin action.
    authorize: devToken(token, { id: 'dev', admin: true }),
    personal,
    projections: [boardProjection, cardsView],
    snapshots: [boardSnapshot],
    validate: boardEventSchema,
  })
  return { ...running, token }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const running = await startKanbanServer()
  console.log(`Kanban API on ${running.url}/api (SQLite ${defaultDb}), token ${running.token}`)
  const stop = () => void running.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
