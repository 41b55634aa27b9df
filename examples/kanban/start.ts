// `npm start`: the kanban API (server.ts, SQLite) and the Vite dev server proxying /api to it.
//   node --import tsx examples/kanban/start.ts
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createServer, type InlineConfig, mergeConfig, type ViteDevServer } from 'vite'
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
}

export interface RunningKanban {
  url: string
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

/** Starts both servers; `url` is the app's address. */
export async function startKanban(options: KanbanOptions = {}): Promise<RunningKanban> {
  const { db = defaultDb, host, quiet = false } = options
  const api = await startApi(db, options.apiPort)
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
    api,
    vite,
    async close() {
      await vite.close()
      await api.close()
    },
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const app = await startKanban()
  console.log(`
  Strata kanban   ${app.url}
  API server      ${app.api.url}/api  (SQLite: ${defaultDb})

  Open the URL in two windows to watch them sync. Ctrl+C stops both.
`)
  const stop = () => void app.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
