import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createEventServer } from './server'
import { sqliteStorage } from './storage/sqlite'
import type { EventServer, EventServerOptions, Storage } from './types'

export interface ServeOptions extends Omit<EventServerOptions, 'storage'> {
  /** Default 8787; 0 picks a free port (read it from the result). */
  port?: number
  /** Default 127.0.0.1; use 0.0.0.0 to listen on every interface. */
  hostname?: string
  /** Default: SQLite at `db`. */
  storage?: Storage
  /** SQLite file when no storage is given. Default ./events.db. */
  db?: string
}

export interface RunningServer {
  url: string
  port: number
  server: EventServer
  storage: Storage
  /** Stops accepting, ends streams and long polls, and closes storage that `serve` opened. */
  close(): Promise<void>
}

/** Starts the event server on Node's HTTP server (through @hono/node-server). */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const { port = 8787, hostname = '127.0.0.1', db = './events.db', ...rest } = options
  const ownStorage = !options.storage
  const storage = options.storage ?? sqliteStorage(db)
  const server = createEventServer({ ...rest, storage })
  // Loaded here, not at the top, so the server entry stays importable on edge runtimes.
  const { serve: serveNode } = await import('@hono/node-server')
  const http = await new Promise<Server>((resolve, reject) => {
    const created = serveNode({ fetch: server.fetch, port, hostname }, () =>
      resolve(created as Server),
    ) as Server
    created.once('error', reject)
  })
  const address = http.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    server,
    storage,
    close: async () => {
      // Long polls and streams end first and get their answers out; then the HTTP server stops,
      // cutting whatever is still open after a grace period.
      await server.close()
      await new Promise<void>((resolve) => {
        // Connections turn idle as their last answers go out; close each as it does.
        const idle = setInterval(() => http.closeIdleConnections(), 20)
        const cut = setTimeout(() => http.closeAllConnections(), 1000)
        http.close(() => {
          clearInterval(idle)
          clearTimeout(cut)
          resolve()
        })
        http.closeIdleConnections()
      })
      if (ownStorage) await storage.close()
    },
  }
}
