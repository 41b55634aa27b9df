// The kanban API: Strata's event server on the embedded SQLite store, with a read model of the
// board folded by the same reducer the browser uses. `start.ts` runs it beside Vite; alone:
//   node --import tsx examples/kanban/server.ts
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type RunningServer, serve } from '@strata/state/server'
import { boardEventSchema, boardProjection } from './readModel'

export const defaultDb = fileURLToPath(new URL('./.data/events.db', import.meta.url))

export interface KanbanServerOptions {
  /** SQLite file; made with its folder when missing. Default examples/kanban/.data/events.db. */
  db?: string
  /** Default 8787; 0 picks a free port. */
  port?: number
  hostname?: string
}

/** Serves the event server under /api on Node. */
export async function startKanbanServer(options: KanbanServerOptions = {}): Promise<RunningServer> {
  const { db = defaultDb, port = 8787, hostname = '127.0.0.1' } = options
  mkdirSync(dirname(db), { recursive: true })
  return serve({
    db,
    port,
    hostname,
    basePath: '/api',
    projections: [boardProjection],
    validate: boardEventSchema,
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const running = await startKanbanServer()
  console.log(`Kanban API on ${running.url}/api (SQLite ${defaultDb})`)
  const stop = () => void running.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
