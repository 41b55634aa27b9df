import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createEventServer } from './server'
import { sqliteStorage } from './storage/sqlite'
import type { EventServer, EventServerOptions, Storage } from './types'

export interface ServeOptions extends Omit<EventServerOptions, 'storage'> {
  /** Default 8787; 0 picks a free port (read it from the result). */
  port?: number
  /**
   * Default 127.0.0.1. Any address that is not loopback (like 0.0.0.0) needs `authorize`, or
   * `allowAnonymous: true` to say that anyone who reaches the port may read and write.
   */
  hostname?: string
  /** Accept anonymous callers on a non-loopback `hostname`: an explicit, loud choice. */
  allowAnonymous?: boolean
  /** Default: SQLite at `db`. */
  storage?: Storage
  /** SQLite file when no storage is given, created readable by its owner only. Default ./events.db. */
  db?: string
  /**
   * Longest time a client may take to send a request's headers; then the connection is closed
   * (a slow-loris client holds no socket for long). Default 10 s.
   */
  headersTimeoutMs?: number
  /**
   * Longest time a client may take to send a whole request, body included (408 after). Long
   * polls and event streams are not cut by it: their requests are complete. Default 30 s.
   */
  bodyTimeoutMs?: number
  /** Where `serve` says what it chose (anonymous, loopback only). Default console.warn. */
  log?: (message: string) => void
}

export interface RunningServer {
  url: string
  port: number
  server: EventServer
  storage: Storage
  /** Stops accepting, ends streams and long polls, and closes storage that `serve` opened. */
  close(): Promise<void>
}

/** True for addresses only this machine can reach. */
export function isLoopback(hostname: string): boolean {
  const name = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name)
}

/**
 * Starts the event server on Node's HTTP server (through @hono/node-server). Secure by default:
 * without `authorize` it listens on loopback only and says so; requests must name localhost or
 * an IP address as Host unless `allowedHosts` lists more; headers and bodies must arrive in time.
 */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const {
    port = 8787,
    hostname = '127.0.0.1',
    db = './events.db',
    allowAnonymous = false,
    headersTimeoutMs = 10_000,
    bodyTimeoutMs = 30_000,
    log = (message: string) => console.warn(message),
    ...rest
  } = options
  const loopback = isLoopback(hostname)
  if (!options.authorize) {
    if (!loopback && !allowAnonymous) {
      throw new Error(
        `[strata] serve() without authorize listens on loopback only, not ${JSON.stringify(hostname)}: anyone who reaches the port could read and write every event. Pass authorize (bearerJwt, devToken), or allowAnonymous: true to accept that`,
      )
    }
    log(
      loopback
        ? `[strata] No authorize: every caller is one anonymous principal, so the server listens on ${hostname} (loopback) only`
        : `[strata] allowAnonymous: anyone who reaches ${hostname}:${port} can read and write every event`,
    )
  }
  if (!loopback && options.allowedHosts === undefined) {
    log(
      '[strata] Only requests addressed to localhost or an IP address are accepted; list your host names in allowedHosts',
    )
  }
  const ownStorage = !options.storage
  const storage = options.storage ?? sqliteStorage(db)
  const server = createEventServer({ ...rest, allowedHosts: options.allowedHosts ?? [], storage })
  // Loaded here, not at the top, so the server entry stays importable on edge runtimes.
  const { serve: serveNode } = await import('@hono/node-server')
  const http = await new Promise<Server>((resolve, reject) => {
    const created = serveNode(
      {
        fetch: server.fetch,
        port,
        hostname,
        serverOptions: {
          headersTimeout: headersTimeoutMs,
          requestTimeout: Math.max(bodyTimeoutMs, headersTimeoutMs),
          // How often Node looks for requests past those timeouts (default 30 s).
          connectionsCheckingInterval: Math.min(1000, headersTimeoutMs),
        },
      },
      () => resolve(created as Server),
    ) as Server
    created.once('error', reject)
  }).catch(async (error) => {
    await server.close()
    if (ownStorage) await storage.close()
    throw error
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
