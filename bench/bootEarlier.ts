/**
 * The loadEarlier part of the boot benchmark: `history.loadEarlier(10000)` on a tab whose window
 * sits above at least that much history, from this device's IndexedDB pages and from the
 * server (a fresh profile booted from the server's snapshot, so no page of its own), the latter
 * beside the same server reading as it did before `Storage.readText` (every payload parsed and
 * encoded again) and beside it reading without `Storage.readPage` (each event written from its
 * row), its baselines in the same run. Each figure is the median of `repeat` tabs, each
 * opened anew, with the range beside it, and the CPU time of the process meanwhile (the
 * server's included: it runs in this process), steadier than the wall clock on a shared machine.
 */
import { createEventServer } from '@strata/state/server'
import { bootTab, profile, type Tab, type World } from './bootSetup'
import { median } from './util'

export const EARLIER = 10_000

export interface Spread {
  median: number
  min: number
  max: number
  /** Median CPU milliseconds. */
  cpu: number
}

interface Timing {
  ms: number
  cpu: number
}

export const spreadOf = (timings: readonly Timing[]): Spread => {
  const values = timings.map((t) => t.ms)
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    cpu: median(timings.map((t) => t.cpu)),
  }
}

/** `loadEarlier(EARLIER)`, timed; checks it loaded what it said and the states it added. */
export async function timeEarlier(tab: Tab): Promise<Timing> {
  const before = tab.store.history.start
  const cpu = process.cpuUsage()
  const began = performance.now()
  const loaded = await tab.store.history.loadEarlier(EARLIER)
  const ms = performance.now() - began
  const used = process.cpuUsage(cpu)
  if (loaded < Math.min(EARLIER, before) || tab.store.history.start !== before - loaded) {
    throw new Error(`[strata] bench: loadEarlier loaded ${loaded} from ${before}`)
  }
  return { ms, cpu: (used.user + used.system) / 1000 }
}

/** `loadEarlier` from the server, and from the same server reading as before. */
export interface ServerSpread extends Spread {
  /** Every payload parsed and encoded again (the store read without `readText`). */
  parsing: Spread
  /** Each event written by the server from its row (the store read without `readPage`). */
  rows: Spread
}

/**
 * The world as its server read before: `GET /events` answered by a second server on the same
 * store without `leave` (without `readText`: every payload parsed, then encoded again; without
 * `readPage`: each event written from its row); snapshots by the world's own.
 */
function readingWithout(world: World, leave: readonly ('readText' | 'readPage')[]) {
  const whole: Record<string, unknown> = { ...world.storage }
  for (const name of leave) delete whole[name]
  const server = createEventServer({ storage: whole as unknown as World['storage'] })
  const fetch = (request: Request) =>
    new URL(request.url).pathname === '/events' ? server.fetch(request) : world.fetch(request)
  return { world: { ...world, fetch }, close: () => server.close() }
}

/**
 * From the server: fresh profiles (no pages), booted from the server's snapshot; each round
 * times a tab of the server as it is and one of it reading each way it did before (in an order
 * that turns each round), so all see the same load.
 */
export async function earlierFromServer(world: World, repeat: number): Promise<ServerSpread> {
  const parsing = readingWithout(world, ['readText', 'readPage'])
  const rows = readingWithout(world, ['readPage'])
  const worlds = [world, parsing.world, rows.world]
  const times: Timing[][] = worlds.map(() => [])
  const one = async (w: World) => {
    const { tab } = await bootTab(() => profile(w)({ snapshot: true }), w.head())
    if (tab.sync.getSnapshot().boot !== 'server-snapshot') throw new Error('not a server boot')
    const timing = await timeEarlier(tab)
    await tab.sync.close()
    return timing
  }
  try {
    for (let r = 0; r < repeat; r++) {
      for (let k = 0; k < worlds.length; k++) {
        const i = (r + k) % worlds.length
        times[i]!.push(await one(worlds[i]!))
      }
    }
  } finally {
    await parsing.close()
    await rows.close()
  }
  return { ...spreadOf(times[0]!), parsing: spreadOf(times[1]!), rows: spreadOf(times[2]!) }
}

/** From this device's pages: tabs reopened in a profile whose pages hold the history. */
export async function earlierFromPages(
  world: World,
  open: () => Tab,
  repeat: number,
): Promise<Spread> {
  const times: Timing[] = []
  for (let r = 0; r < repeat; r++) {
    const { tab } = await bootTab(open, world.head())
    if (tab.sync.getSnapshot().boot !== 'local-snapshot') throw new Error('not a local boot')
    const reads = world.reads()
    times.push(await timeEarlier(tab))
    if (world.reads() !== reads) throw new Error('[strata] bench: paged from the server')
    await tab.sync.close()
  }
  return spreadOf(times)
}
