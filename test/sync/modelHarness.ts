import 'fake-indexeddb/auto'
import { connectSync, type Sync, type SyncOptions } from '@strata/state/sync'
import { IDBFactory } from 'fake-indexeddb'
import fc from 'fast-check'
import { expect } from 'vitest'
import { manualClock, type testServer } from './helpers'

// The sync model's machinery, shared by its properties: browser profiles (clients) with a main
// tab and a second one that comes and goes, a network the schedule drives, reloads, and healing.

/** Lets IndexedDB callbacks and promise chains run (fake-indexeddb schedules with setImmediate). */
export async function settle(turns = 12) {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r))
}

type Server = ReturnType<typeof testServer>

/** A network the test drives: requests wait until delivered, dropped or their sender gives up. */
export function network(server: Server) {
  type Held = { request: Request; resolve: (r: Response) => void; reject: (e: unknown) => void }
  const queue: Held[] = []
  let healed = false
  const fetch = (request: Request) => {
    if (healed) return server.fetch(request)
    return new Promise<Response>((resolve, reject) => {
      // As fetch does: a request whose signal is already aborted never goes out.
      if (request.signal.aborted) return reject(request.signal.reason)
      const held = { request, resolve, reject }
      queue.push(held)
      request.signal.addEventListener('abort', () => {
        const i = queue.indexOf(held)
        if (i >= 0) queue.splice(i, 1)
        reject(request.signal.reason)
      })
    })
  }
  const take = (i: number) => (queue.length ? queue.splice(i % queue.length, 1)[0] : undefined)
  return {
    fetch,
    queue,
    /** Reaches the server; the answer arrives, is lost, or the request arrives twice. */
    async deliver(i: number, mode: 'answer' | 'lose' | 'twice') {
      const held = take(i)
      if (!held) return
      const copy = held.request.clone()
      const response = await server.fetch(held.request)
      if (mode === 'lose') held.reject(new TypeError('connection reset'))
      else if (mode === 'twice') held.resolve(await server.fetch(copy))
      else held.resolve(response)
    },
    drop(i: number) {
      take(i)?.reject(new TypeError('Failed to fetch'))
    },
    async heal() {
      healed = true
      while (queue.length) await this.deliver(0, 'answer')
    },
  }
}

/** Steps every schedule has; a property adds its own (what the clients dispatch). */
export type NetworkStep =
  | { kind: 'deliver'; i: number; mode: 'answer' | 'lose' | 'twice' }
  | { kind: 'drop'; i: number }
  | { kind: 'tick'; c: number; ms: number }
  | { kind: 'pull'; c: number }
  | { kind: 'reload'; c: number }
  | { kind: 'tab'; c: number }

export const CLIENTS = 3
/** A tab slot: 2n is profile n's main tab, always open; 2n + 1 its second tab. */
export const slot = fc.nat(2 * CLIENTS - 1)
export const networkStep: fc.Arbitrary<NetworkStep> = fc.oneof(
  fc.record({
    kind: fc.constant('deliver' as const),
    i: fc.nat(5),
    mode: fc.constantFrom('answer' as const, 'lose' as const, 'twice' as const),
  }),
  fc.record({ kind: fc.constant('drop' as const), i: fc.nat(5) }),
  fc.record({ kind: fc.constant('tick' as const), c: slot, ms: fc.constantFrom(10, 300, 5000) }),
  fc.record({ kind: fc.constant('pull' as const), c: slot }),
  fc.record({ kind: fc.constant('reload' as const), c: slot }),
  fc.record({ kind: fc.constant('tab' as const), c: slot }),
)

export interface Profile {
  indexedDB: IDBFactory
  clock: ReturnType<typeof manualClock>
  n: number
}

export interface Tab<S> {
  store: S
  sync: Sync
  profile: Profile
}

interface Schedule<S, D> {
  server: Server
  steps: readonly (NetworkStep | D)[]
  store(profile: Profile): S
  options?: (profile: Profile) => Partial<SyncOptions<any>>
  act(step: D, tab: Tab<S>): void
  /** Between a reload's close and its connect (a property that spoils what the page kept). */
  beforeReload?(step: NetworkStep | D, profile: Profile): Promise<void>
  /** Runs after healing, with every tab settled and caught up, before the tabs close. */
  check(open: Tab<S>[], profiles: Profile[]): Promise<void> | void
}

/** Runs one schedule; a run that hangs is a failure too, naming where it stopped. */
export async function runSchedule<S extends { dispatch: unknown }, D extends { kind: string }>(
  schedule: Schedule<S, D>,
): Promise<void> {
  const where = { phase: 'start' }
  let timer: ReturnType<typeof setTimeout> | undefined
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`run hung at ${where.phase}`)), 5000)
  })
  try {
    await Promise.race([body(schedule, where), hung])
  } finally {
    clearTimeout(timer)
  }
}

const NETWORK = new Set(['deliver', 'drop', 'tick', 'pull', 'reload', 'tab'])

async function body<S extends { dispatch: unknown }, D extends { kind: string }>(
  schedule: Schedule<S, D>,
  where: { phase: string },
) {
  const net = network(schedule.server)
  const profiles: Profile[] = Array.from({ length: CLIENTS }, (_, n) => ({
    indexedDB: new IDBFactory(),
    clock: manualClock(),
    n,
  }))
  const connect = (profile: Profile): Tab<S> => {
    const store = schedule.store(profile)
    const sync = connectSync(store as never, {
      fetch: net.fetch,
      batch: { maxEvents: 3, maxDelayMs: 100 },
      persist: { indexedDB: profile.indexedDB, name: 'model' },
      live: 'off',
      clock: profile.clock,
      random: () => 0.5,
      retry: { baseMs: 100, maxMs: 2000 },
      requestTimeoutMs: 4000,
      ...schedule.options?.(profile),
    })
    return { store, sync, profile }
  }
  const tabs: (Tab<S> | undefined)[] = profiles.flatMap((p) => [connect(p), undefined])
  const profileOf = (s: number) => profiles[Math.floor(s / 2)]!
  const tabAt = (s: number) => tabs[s] ?? tabs[s - (s % 2)]!
  const open = () => tabs.filter((t): t is Tab<S> => t !== undefined)
  try {
    for (const s of schedule.steps) {
      where.phase = JSON.stringify(s)
      if (!NETWORK.has(s.kind)) schedule.act(s as D, tabAt((s as { c?: number }).c ?? 0))
      else {
        const n = s as NetworkStep
        if (n.kind === 'deliver') await net.deliver(n.i, n.mode)
        else if (n.kind === 'drop') net.drop(n.i)
        else if (n.kind === 'tick') profileOf(n.c).clock.advance(n.ms)
        else if (n.kind === 'pull')
          void tabAt(n.c)
            .sync.pull()
            .catch(() => {})
        else if (n.kind === 'reload') {
          const tab = tabAt(n.c)
          await tab.sync.close()
          await schedule.beforeReload?.(s, profileOf(n.c))
          tabs[tabs.indexOf(tab)] = connect(profileOf(n.c))
        } else if (n.kind === 'tab') {
          const second = n.c - (n.c % 2) + 1
          const was = tabs[second]
          if (was) await was.sync.close()
          tabs[second] = was ? undefined : connect(profileOf(second))
        }
      }
      await settle()
    }

    // Heal: every held request arrives, then the network works; let every client finish.
    where.phase = 'heal'
    await net.heal()
    for (let round = 0; round < 40; round++) {
      for (const p of profiles) p.clock.advance(5000)
      await settle()
      const quiet = open().every(
        (t) => !t.sync.getSnapshot().outbox.length && !t.sync.getSnapshot().inFlight,
      )
      if (quiet && round > 3) break
    }
    for (const t of open()) expect(t.sync.getSnapshot().error).toBeUndefined()
    // A pull can bring more to send (a closed tab's refused claim, decided again): until none.
    for (let round = 0; round < 5; round++) {
      where.phase = `flush ${round}`
      await Promise.all(open().map((t) => t.sync.flush()))
      where.phase = `pull ${round}`
      await Promise.all(open().map((t) => t.sync.pull()))
      await settle()
      if (open().every((t) => !t.sync.getSnapshot().outbox.length)) break
    }
    where.phase = 'check'
    await schedule.check(open(), profiles)
  } finally {
    where.phase = 'close'
    await Promise.all(open().map((t) => t.sync.close()))
  }
}
