// `npm start`: the kanban API (server.ts, SQLite) and the Vite dev server proxying /api to it.
//   node --import tsx examples/kanban/start.ts [--seed 100000] [--db path]
// `--seed N` starts on a board with N events of history (its own file, .data/seed-N.db).
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { createServer, type InlineConfig, mergeConfig, type ViteDevServer } from 'vite'
import { seedBoard } from './seed'
import { defaultDb, type KanbanServer, startKanbanServer } from './server'

export interface KanbanOptions {
  db?: string
  /** API port; default 8787, or a free one when that is taken. */
  apiPort?: number
  /** Vite's port; default 5173 (Vite moves on when taken). */
  webPort?: number
  host?: string
  quiet?: boolean
  /** More Vite config, merged over vite.config.ts (the end-to-end test adds a plugin). */
  vite?: InlineConfig
  /**
   * Start on a board with this many events of history, written into the store when it is empty.
   * Default db then: examples/kanban/.data/seed-<N>.db, so the board of plain `npm start` stays.
   */
  seed?: number
}

const seededDb = (n: number) => fileURLToPath(new URL(`./.data/seed-${n}.db`, import.meta.url))

export interface RunningKanban {
  url: string
  /** The SQLite file the API serves. */
  db: string
  api: KanbanServer
  vite: ViteDevServer
  close(): Promise<void>
}

async function startApi(db: string, port: number | undefined): Promise<KanbanServer> {
  try {
    return await startKanbanServer({ db, port: port ?? 8787 })
  } catch (error) {
    // Another app holds 8787: any free port will do, Vite is told where it went.
    if (port !== undefined || (error as { code?: string }).code !== 'EADDRINUSE') throw error
    return startKanbanServer({ db, port: 0 })
  }
}

/** Waits until the API's snapshot of the board holds every stored event (once per store). */
async function snapshotCaughtUp(api: KanbanServer): Promise<void> {
  const get = async (path: string) => {
    const response = await fetch(`${api.url}/api/${path}`, {
      headers: { authorization: `Bearer ${api.token}` },
    })
    return response.ok ? ((await response.json()) as { position?: string; head?: string }) : {}
  }
  const { head } = await get('events?limit=1')
  while ((await get('snapshots/board')).position !== head) {
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** Starts both servers; `url` is the app's address. */
export async function startKanban(options: KanbanOptions = {}): Promise<RunningKanban> {
  const { seed, host, quiet = false } = options
  const db = options.db ?? (seed ? seededDb(seed) : defaultDb)
  if (seed) {
    mkdirSync(dirname(db), { recursive: true })
    const wrote = await seedBoard(db, seed)
    if (!quiet && wrote) console.log(`  Seeded ${db} with ${wrote.toLocaleString()} events.`)
  }
  const api = await startApi(db, options.apiPort)
  // A seeded board's first window starts from the server's snapshot: fold it before it opens.
  if (seed) await snapshotCaughtUp(api)
  const config: InlineConfig = {
    configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)),
    logLevel: quiet ? 'silent' : 'info',
    // The app sends the API's development token (src/sync.ts); it lives only as long as both.
    define: { 'import.meta.env.VITE_STRATA_DEV_TOKEN': JSON.stringify(api.token) },
    server: {
      port: options.webPort ?? 5173,
      ...(host && { host }),
      proxy: { '/api': { target: api.url, changeOrigin: true } },
    },
  }
  let vite: ViteDevServer
  try {
    vite = await createServer(options.vite ? mergeConfig(config, options.vite) : config)
    await vite.listen()
  } catch (error) {
    await api.close()
    throw error
  }
  const url = vite.resolvedUrls?.local[0] ?? `http://localhost:${vite.config.server.port}/`
  return {
    url,
    db,
    api,
    vite,
    async close() {
      await vite.close()
      await api.close()
    },
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, db: { type: 'string' } } })
  const seed = values.seed === undefined ? undefined : Number(values.seed)
  if (seed !== undefined && !(Number.isInteger(seed) && seed > 0)) {
    console.error(`--seed expects a number of events, e.g. --seed 100000; received ${values.seed}`)
    process.exit(2)
  }
  const app = await startKanban({ ...(seed && { seed }), ...(values.db && { db: values.db }) })
  console.log(`
  Strata kanban   ${app.url}
  API server      ${app.api.url}/api  (SQLite: ${app.db})

  Open the URL in two windows to watch them sync. Ctrl+C stops both.
`)
  const stop = () => void app.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
