/**
 * Boot in a real browser (npm run bench:boot-browser; `-- --sizes=10000` for a smoke run): the
 * page of bench/bootBrowserPage.ts, built with Vite, in Debian's Chromium (a persistent profile,
 * so IndexedDB is on disk), against the board's event server on SQLite in another process
 * (bench/bootBrowserServer.ts), over HTTP on the same origin. Every figure is a ratio against a
 * baseline measured in the same page in the same run:
 * - a reload booting from this device's snapshot, then pulling a tail of 100 events, against
 *   JSON.parse of the settled state plus folding the tail with the bare reducer;
 * - a fresh device (an empty IndexedDB) booting from the server's snapshot against fetching and
 *   parsing it;
 * - the local boot at 1M against 10k.
 * TRACE=1 prints a timeline of each boot (fetches, IndexedDB transactions); PROFILE=<prefix>
 * writes a CPU profile of the page's local boots (<prefix>-<n>.cpuprofile, unminified).
 * Seeded SQLite files are kept under /tmp/strata-boot-browser (seeding and folding 1M events
 * takes minutes) and copied for each run, so every run starts from the same history.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { chromium, type Page } from 'playwright-core'
import { build } from 'vite'
import { sourceAliases } from '../aliases'
import type { BootRequest, BootResult, PageBench } from './bootBrowserPage'
import { SNAPSHOT, VERSION } from './bootSetup'
import {
  fmtCount,
  fmtMs,
  fmtRatio,
  median,
  note,
  printTable,
  progress,
  type Row,
  verdicts,
} from './util'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,1000000' },
    tail: { type: 'string', default: '100' },
    repeat: { type: 'string', default: '9' },
    cache: { type: 'string', default: join(tmpdir(), 'strata-boot-browser') },
  },
})
const SIZES = values.sizes.split(',').map(Number)
const TAIL = Number(values.tail)
const REPEAT = Number(values.repeat)
const WARMUP = 2
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

interface Figures {
  n: number
  local: number[]
  localReady: number[]
  parseFold: number[]
  server: number[]
  serverReady: number[]
  fetchParse: number[]
}

async function buildPage(dir: string): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'error',
    resolve: { alias: sourceAliases },
    build: {
      outDir: dir,
      emptyOutDir: true,
      minify: !process.env.PROFILE,
      rollupOptions: {
        input: here('./bootBrowserPage.ts'),
        output: { entryFileNames: 'boot.js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  })
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>boot</title><script type="module" src="./boot.js"></script>',
  )
}

interface ServerChild {
  url: string
  head: number
  control(path: string): Promise<number>
  stop(): Promise<void>
}

async function startServer(db: string, page: string, seed = 0): Promise<ServerChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      here('./bootBrowserServer.ts'),
      '--db',
      db,
      '--page',
      page,
      '--seed',
      String(seed),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const [url, head] = await new Promise<[string, number]>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /listening on (http:\/\/\S+) head (\d+)/.exec(out)
      if (match) resolve([match[1]!, Number(match[2])])
    })
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)))
  })
  return {
    url,
    head,
    async control(path) {
      const response = await fetch(`${url}/control/${path}`, { method: 'POST' })
      if (!response.ok) throw new Error(`${path}: ${response.status}`)
      return ((await response.json()) as { head: number }).head
    },
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }
}

const sqliteFiles = (db: string) => [db, `${db}-wal`, `${db}-shm`]

/** A SQLite file with `n` seeded events and the server snapshot folded over them (cached). */
async function seeded(n: number, work: string, page: string): Promise<void> {
  mkdirSync(values.cache, { recursive: true })
  const cached = join(values.cache, `seed-${n}.db`)
  if (!existsSync(cached)) {
    progress(`seeding ${fmtCount(n)} events and folding the server snapshot (once, cached)`)
    const server = await startServer(work, page, n)
    await server.control('warm')
    await server.stop()
    for (const [i, file] of sqliteFiles(work).entries()) {
      if (existsSync(file)) copyFileSync(file, sqliteFiles(cached)[i]!)
    }
  }
  for (const [i, file] of sqliteFiles(cached).entries()) {
    rmSync(sqliteFiles(work)[i]!, { force: true })
    if (existsSync(file)) copyFileSync(file, sqliteFiles(work)[i]!)
  }
}

const pageBoot = (page: Page, request: BootRequest) =>
  page.evaluate((r) => (globalThis as unknown as { bench: PageBench }).bench.boot(r), request)
const pageFetchParse = (page: Page) =>
  page.evaluate(
    (name) => (globalThis as unknown as { bench: PageBench }).bench.fetchParse(name),
    SNAPSHOT,
  )
const pageDrop = (page: Page, device: string) =>
  page.evaluate((d) => (globalThis as unknown as { bench: PageBench }).bench.drop(d), device)

function expectBoot(result: BootResult, kind: string): BootResult {
  if (result.boot !== kind) throw new Error(`booted from ${result.boot}, not ${kind}`)
  return result
}

async function measureSize(n: number, page: Page, server: ServerChild): Promise<Figures> {
  const f: Figures = {
    n,
    local: [],
    localReady: [],
    parseFold: [],
    server: [],
    serverReady: [],
    fetchParse: [],
  }
  let head = await server.control('warm')
  const request = (device: string, tail = 0): BootRequest => ({
    device,
    snapshot: SNAPSHOT,
    version: VERSION,
    head,
    tail,
  })

  progress(`${fmtCount(n)}: fresh devices booting from the server's snapshot`)
  for (let r = -WARMUP; r < REPEAT; r++) {
    const fetchParse = await pageFetchParse(page)
    const device = `fresh-${n}-${r + WARMUP}`
    const result = expectBoot(await pageBoot(page, request(device)), 'server-snapshot')
    await pageDrop(page, device)
    if (r < 0) continue
    f.fetchParse.push(fetchParse)
    f.server.push(result.ms)
    f.serverReady.push(result.readyMs)
  }

  progress(`${fmtCount(n)}: reloads booting from this device's snapshot`)
  const device = `local-${n}`
  // Settled past the server's snapshot, so this device keeps a snapshot of its own.
  await pageBoot(page, { ...request(device), settleMore: TAIL })
  const cdp = process.env.PROFILE ? await page.context().newCDPSession(page) : undefined
  await cdp?.send('Profiler.enable')
  await cdp?.send('Profiler.setSamplingInterval', { interval: 100 })
  await cdp?.send('Profiler.start')
  for (let r = -WARMUP; r < REPEAT; r++) {
    await server.control(`seed?n=${TAIL}`)
    // The server is another machine: its snapshot catching up is not the page's time.
    head = await server.control('warm')
    const result = expectBoot(await pageBoot(page, request(device, TAIL)), 'local-snapshot')
    if (r < 0) continue
    f.local.push(result.ms)
    f.localReady.push(result.readyMs)
    f.parseFold.push(result.parseFoldMs)
  }
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop')
    writeFileSync(`${process.env.PROFILE}-${n}.cpuprofile`, JSON.stringify(profile))
  }
  await pageDrop(page, device)
  return f
}

/** Median of the per-run ratios, and their spread (min to max). */
function ratio(times: number[], baselines: number[]) {
  const each = times.map((t, i) => t / baselines[i]!)
  return { median: median(each), min: Math.min(...each), max: Math.max(...each) }
}

const spread = (r: { min: number; max: number }) => `${fmtRatio(r.min)}-${fmtRatio(r.max)}`

function report(figures: Figures[]): void {
  const rows: Row[] = figures.flatMap((f) => {
    const local = ratio(f.local, f.parseFold)
    const server = ratio(f.server, f.fetchParse)
    return [
      {
        cells: {
          events: fmtCount(f.n),
          boot: `this device's snapshot + ${fmtCount(TAIL)} tail`,
          time: fmtMs(median(f.local)),
          ready: fmtMs(median(f.localReady)),
          baseline: `parse + fold tail ${fmtMs(median(f.parseFold))}`,
          ratio: fmtRatio(local.median),
          spread: spread(local),
          target: '≤ 3x baseline',
        },
        pass: local.median <= 3,
      },
      {
        cells: {
          events: fmtCount(f.n),
          boot: "the server's snapshot (fresh device)",
          time: fmtMs(median(f.server)),
          ready: fmtMs(median(f.serverReady)),
          baseline: `fetch + parse ${fmtMs(median(f.fetchParse))}`,
          ratio: fmtRatio(server.median),
          spread: spread(server),
          target: '≤ 2x baseline',
        },
        pass: server.median <= 2,
      },
    ]
  })
  if (figures.length > 1) {
    const small = figures[0]!
    const large = figures[figures.length - 1]!
    const r = median(large.local) / median(small.local)
    rows.push({
      cells: {
        events: `${fmtCount(large.n)} / ${fmtCount(small.n)}`,
        boot: "this device's snapshot",
        ratio: fmtRatio(r),
        target: '≤ 1.5x',
      },
      pass: r <= 1.5,
    })
  }
  printTable(
    'Boot in Chromium: until the page shows the live board',
    ['events', 'boot', 'time', 'ready', 'baseline', 'ratio', 'spread', 'target'],
    rows,
  )
  note(`Medians of ${REPEAT} boots each (after ${WARMUP} warm-up boots); spread: min-max of the`)
  note('per-boot ratios. ready: until sync.ready (outbox open, settled state in place).')
}

const dir = mkdtempSync(join(tmpdir(), 'strata-boot-browser-'))
const pageDir = join(dir, 'page')
const figures: Figures[] = []
const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
try {
  progress('building the page')
  await buildPage(pageDir)
  for (const n of SIZES) {
    const db = join(dir, `events-${n}.db`)
    await seeded(n, db, pageDir)
    const server = await startServer(db, pageDir)
    try {
      const page = await context.newPage()
      page.on('pageerror', (error) => console.error(error))
      if (process.env.TRACE) page.on('console', (m) => console.log(m.text()))
      await page.goto(`${server.url}/page/${process.env.TRACE ? '?trace' : ''}`)
      await page.waitForFunction(() => 'bench' in globalThis)
      figures.push(await measureSize(n, page, server))
      await page.close()
    } finally {
      await server.stop()
    }
  }
  report(figures)
  const failed = verdicts.filter((v) => !v.pass)
  console.log(`\n${verdicts.length - failed.length}/${verdicts.length} targets met`)
} finally {
  await context.close()
  rmSync(dir, { recursive: true, force: true })
}
