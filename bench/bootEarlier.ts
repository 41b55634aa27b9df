/**
 * The loadEarlier part of the boot benchmark: `history.loadEarlier(10000)` on a tab whose window
 * sits above at least that much history, from this device's IndexedDB pages and from the
 * server (a fresh profile booted from the server's snapshot, so no page of its own). Each figure
 * is the median of `repeat` tabs, each opened anew, with the range beside it, and the CPU time of
 * the process meanwhile (the server's included: it runs in this process), steadier than the wall
 * clock on a shared machine.
 */
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

/** From the server: fresh profiles (no pages), booted from the server's snapshot. */
export async function earlierFromServer(world: World, repeat: number): Promise<Spread> {
  const times: Timing[] = []
  for (let r = 0; r < repeat; r++) {
    const { tab } = await bootTab(() => profile(world)({ snapshot: true }), world.head())
    if (tab.sync.getSnapshot().boot !== 'server-snapshot') throw new Error('not a server boot')
    times.push(await timeEarlier(tab))
    await tab.sync.close()
  }
  return spreadOf(times)
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
