/**
 * The loadEarlier part of the boot benchmark: `history.loadEarlier(10000)` on a tab whose window
 * sits above at least that much history, from this device's IndexedDB pages and from the
 * server (a fresh profile booted from the server's snapshot, so no page of its own), the latter
 * beside the same server reading as it did before `Storage.readText` (every payload parsed and
 * encoded again), its baseline in the same run. Each figure is the median of `repeat` tabs, each
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

/** `loadEarlier` from the server, and from the same server reading as before `readText`. */
export interface ServerSpread extends Spread {
  /** Every payload parsed and encoded again (the store read without `readText`). */
  parsing: Spread
}

/**
 * The world as its server read before `Storage.readText`: `GET /events` answered by a second
 * server on the same store without it (every payload parsed, then encoded again); snapshots by
 * the world's own.
 */
function parsingWorld(world: World) {
  const { readText: _, ...whole } = world.storage
  const server = createEventServer({ storage: whole })
  const fetch = (request: Request) =>
    new URL(request.url).pathname === '/events' ? server.fetch(request) : world.fetch(request)
  return { world: { ...world, fetch }, close: () => server.close() }
}

/**
 * From the server: fresh profiles (no pages), booted from the server's snapshot; each round
 * times a tab of the server as it is and one of it parsing every payload (which goes first
 * alternates), so both see the same load.
 */
export async function earlierFromServer(world: World, repeat: number): Promise<ServerSpread> {
  const parsing = parsingWorld(world)
  const times: Timing[] = []
  const before: Timing[] = []
  const one = async (w: World) => {
    const { tab } = await bootTab(() => profile(w)({ snapshot: true }), w.head())
    if (tab.sync.getSnapshot().boot !== 'server-snapshot') throw new Error('not a server boot')
    const timing = await timeEarlier(tab)
    await tab.sync.close()
    return timing
  }
  try {
    for (let r = 0; r < repeat; r++) {
      if (r % 2) before.push(await one(parsing.world))
      times.push(await one(world))
      if (!(r % 2)) before.push(await one(parsing.world))
    }
  } finally {
    await parsing.close()
  }
  return { ...spreadOf(times), parsing: spreadOf(before) }
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
