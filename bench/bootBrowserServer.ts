/**
 * The server process of `npm run bench:boot-browser`: the board's event server on a SQLite file
 * (with its server snapshot, the same reducer as the page), and, on the same origin so the page
 * pays no CORS preflight, the page's files and the benchmark's controls:
 *
 *   /api/...             the event server (`connectSync({ url: '/api/' })`)
 *   /page/...            the page (index.html and its bundle, from `--page`)
 *   POST /control/seed?n  stores the workload's next `n` events from another client
 *   POST /control/warm    waits until the server snapshot folded every stored event
 *
 * node --import tsx bench/bootBrowserServer.ts --db <file> --page <dir> [--seed N]
 * (--seed: stores events until there are N; a file seeded before goes on from its head.)
 */
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { parseArgs } from 'node:util'
import { serve } from '@hono/node-server'
import { createEventServer, sqliteStorage } from '@strata/state/server'
import { spreadReducer, workload } from './board'
import { appendSeeded, SEED_BATCH, SNAPSHOT, VERSION } from './bootSetup'

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    page: { type: 'string' },
    seed: { type: 'string', default: '0' },
  },
})
if (!values.db || !values.page) throw new Error('usage: --db <file> --page <dir> [--seed N]')
const pageDir = values.page

const storage = sqliteStorage(values.db, { synchronous: 'NORMAL' })
const w = workload()
const server = createEventServer({
  storage,
  snapshots: [
    {
      name: SNAPSHOT,
      initialState: w.initialState,
      reducer: spreadReducer,
      immer: false,
      version: VERSION,
    },
  ],
})

// A file seeded before: the workload goes on after its events (each must fit the board).
let head = await storage.head('')
let seq = head
for (let skipped = 0; skipped < head; skipped += SEED_BATCH)
  w.events(Math.min(SEED_BATCH, head - skipped))

async function seed(n: number): Promise<void> {
  for (let done = 0; done < n; done += SEED_BATCH) {
    const events = w.events(Math.min(SEED_BATCH, n - done))
    seq = await appendSeeded(storage, events, seq)
    head += events.length
  }
}

async function warm(): Promise<void> {
  for (;;) {
    const response = await server.fetch(new Request(`http://s/snapshots/${SNAPSHOT}`))
    if (response.status === 200) {
      const body = (await response.json()) as { position: string }
      if (body.position === `v1:${head}`) return
    } else await response.body?.cancel()
    await new Promise((r) => setTimeout(r, 100))
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
}

async function page(path: string): Promise<Response> {
  const file = normalize(join(pageDir, path === '' ? 'index.html' : path))
  if (!file.startsWith(normalize(pageDir))) return new Response('no', { status: 403 })
  try {
    const body = await readFile(file)
    const type = TYPES[extname(file)] ?? 'application/octet-stream'
    return new Response(new Uint8Array(body), {
      headers: { 'content-type': type, 'cache-control': 'no-store' },
    })
  } catch {
    return new Response('not found', { status: 404 })
  }
}

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url)
  if (url.pathname.startsWith('/api/')) {
    const inner = new URL(url.pathname.slice(4) + url.search, url.origin)
    const body = request.method === 'GET' ? undefined : await request.arrayBuffer()
    return server.fetch(
      new Request(inner, {
        method: request.method,
        headers: request.headers,
        signal: request.signal,
        ...(body && { body }),
      }),
    )
  }
  if (url.pathname.startsWith('/page/')) return page(url.pathname.slice('/page/'.length))
  if (url.pathname === '/control/seed' && request.method === 'POST') {
    await seed(Number(url.searchParams.get('n')))
    return Response.json({ head })
  }
  if (url.pathname === '/control/warm' && request.method === 'POST') {
    await warm()
    return Response.json({ head })
  }
  return new Response('not found', { status: 404 })
}

await seed(Math.max(0, Number(values.seed) - head))
const listening = serve({ fetch: handle, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port} head ${head}`)
})

process.on('SIGTERM', () => {
  listening.close()
  void server
    .close()
    .then(() => storage.close())
    .then(() => process.exit(0))
})
