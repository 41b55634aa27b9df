/**
 * The page of `npm run bench:boot-browser`, built with Vite and run in Chromium: a tab boots a
 * board store with `connectSync` against the server process (real IndexedDB, real HTTP), and the
 * baselines run here too, in the same page, so every ratio compares like with like.
 */
import { createStore } from '@strata/state'
import { connectSync } from '@strata/state/sync'
import { sessionSerializer } from '@strata/state/testing'
import { spreadReducer, workload } from './board'
import { installTrace, trace } from './bootBrowserTrace'

if (new URLSearchParams(location.search).has('trace')) installTrace()
const initialState = workload().initialState
const api = new URL('/api/', location.origin).href

export interface BootRequest {
  /** The IndexedDB database (one device) to boot from; a new name is a fresh device. */
  device: string
  snapshot: string
  version: string
  /** Events the store must show once booted. */
  head: number
  /** Events of the tail (pulled after a local snapshot): folded by the parse + fold baseline. */
  tail: number
  /**
   * After booting, store this many more events from another client and pull them, so the device
   * settles events past the server's snapshot and keeps a snapshot of its own.
   */
  settleMore?: number
}

export interface BootResult {
  /** Until the store shows every stored event (`sync.pull()` resolved after connecting). */
  ms: number
  /** Until `sync.ready`: the outbox opened and the settled state in place. */
  readyMs: number
  boot: string
  /** The baseline of a local boot: JSON.parse of the settled state, then the tail folded. */
  parseFoldMs: number
}

async function boot(request: BootRequest): Promise<BootResult> {
  const began = performance.now()
  trace.take()
  const store = createStore({
    initialState,
    reducer: spreadReducer,
    immer: false,
    version: request.version,
  })
  const sync = connectSync(store, {
    url: api,
    persist: { name: request.device },
    live: 'off',
    batch: { maxEvents: 1000, maxDelayMs: 0 },
    snapshot: request.snapshot,
  })
  let readyMs = 0
  void sync.ready.then(() => {
    readyMs = performance.now() - began
    trace.mark('ready')
  })
  await sync.pull()
  const ms = performance.now() - began
  trace.mark('pulled')
  if (trace.enabled) console.log(`${request.device}\n${trace.take().join('\n')}`)
  const length = store.history.length
  const boot = sync.getSnapshot().boot
  let parseFoldMs = Number.NaN
  if (request.tail > 0 && length - request.tail >= store.history.start) {
    const tail = store.logs.events.slice(-request.tail).map((e) => e.event)
    const text = JSON.stringify(store.logs.states.at(length - request.tail))
    const start = performance.now()
    let state = JSON.parse(text)
    for (const e of tail) state = spreadReducer(state, e as never)
    parseFoldMs = performance.now() - start
  }
  if (request.settleMore) {
    await fetch(`/control/seed?n=${request.settleMore}`, { method: 'POST' })
    await sync.pull()
  }
  await sync.close()
  if (length !== request.head) throw new Error(`booted to ${length}, not ${request.head}`)
  return { ms, readyMs, boot: String(boot), parseFoldMs }
}

/** The floor of a server boot: fetch the snapshot, parse it, decode its state. */
async function fetchParse(snapshot: string): Promise<number> {
  const start = performance.now()
  const response = await fetch(new URL(`snapshots/${snapshot}`, api))
  const body = (await response.json()) as { state: never }
  sessionSerializer.deserialize(body.state)
  return performance.now() - start
}

function drop(device: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(`strata-sync:${device}`)
    request.onsuccess = () => resolve()
    request.onerror = () => reject(request.error)
    request.onblocked = () => resolve()
  })
}

const bench = { boot, fetchParse, drop }
export type PageBench = typeof bench
;(globalThis as { bench?: PageBench }).bench = bench
