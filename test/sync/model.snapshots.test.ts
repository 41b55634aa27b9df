import { connectSync, replicaOf } from '@strata/state/sync'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { fold } from './helpers'
import { countersSnapshot, countersStore, putSnapshot, testServer } from './history.helpers'
import { type NetworkStep, networkStep, type Profile, runSchedule, slot } from './modelHarness'

// The sync model with the settled history: every reload boots from this device's snapshot when
// it has one, two of the three devices from the server's snapshot when not, and some reloads
// find the device's snapshot spoiled (corrupt, cut short) or the page asks for earlier history
// while events arrive. Whatever they boot from, every tab converges to the server's fold.

type Spoil = 'none' | 'corrupt' | 'truncated'
type Step =
  | NetworkStep
  | { kind: 'reload'; c: number; spoil: Spoil }
  | { kind: 'add'; c: number; by: number }
  | { kind: 'increment'; c: number; key: string }
  | { kind: 'earlier'; c: number; count: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), c: slot, by: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('increment' as const), c: slot, key: fc.constantFrom('x', 'y') }),
  fc.record({
    kind: fc.constant('reload' as const),
    c: slot,
    spoil: fc.constantFrom<Spoil>('none', 'none', 'corrupt', 'truncated'),
  }),
  fc.record({
    kind: fc.constant('earlier' as const),
    c: slot,
    count: fc.integer({ min: 1, max: 5 }),
  }),
  networkStep,
)

const spoiled: Record<Exclude<Spoil, 'none'>, object> = {
  corrupt: { format: 'not a snapshot', version: '' },
  truncated: { format: 'strata.snapshot', formatVersion: 1, version: '', position: 'v1:3' },
}

const usesServerSnapshot = (profile: Profile) => profile.n > 0
const stats = { runs: 0, boots: new Map<string, number>() }

async function run(steps: Step[]) {
  // A state kept every 2 events, so paging back from the server finds kept states.
  // The snapshot answers at once (waiting for a first one would hold the model's network).
  const server = testServer({
    snapshots: [countersSnapshot({ keepEvery: 2 })],
    limits: { viewWaitMs: 0 },
  })
  const options = (profile: Profile) => ({
    ...(usesServerSnapshot(profile) && { snapshot: 'counters' }),
  })
  await runSchedule({
    server,
    steps,
    store: () => countersStore(),
    options,
    act(s, tab) {
      if (s.kind === 'add') tab.store.dispatch({ type: 'add', payload: { key: 'x', by: s.by } })
      else if (s.kind === 'increment') tab.store.dispatch({ type: 'increment', payload: s.key })
      else if (s.kind === 'earlier') void tab.store.history.loadEarlier(s.count).catch(() => {})
    },
    async beforeReload(s, profile) {
      const spoil = (s as { spoil?: Spoil }).spoil
      if (spoil && spoil !== 'none') await putSnapshot(profile.indexedDB, spoiled[spoil], 'model')
    },
    async check(open, profiles) {
      const stored = await server.stored()
      const expected = fold(stored)
      stats.runs++
      expect(new Set(stored.map((e) => `${e.clientId}#${e.clientSeq}`)).size).toBe(stored.length)
      for (const t of open) {
        expect(replicaOf(t.store).pending()).toEqual([])
        expect(t.store.getState()).toEqual(expected)
      }
      // One more reload of each device, from whatever it kept: the same state.
      for (const profile of profiles) {
        const store = countersStore()
        const sync = connectSync(store, {
          fetch: server.fetch,
          persist: { indexedDB: profile.indexedDB, name: 'model' },
          live: 'off',
          clock: profile.clock,
          ...options(profile),
        })
        try {
          await sync.pull()
          const boot = sync.getSnapshot().boot ?? 'none'
          stats.boots.set(boot, (stats.boots.get(boot) ?? 0) + 1)
          expect(store.getState()).toEqual(expected)
          expect(replicaOf(store).pending()).toEqual([])
          expect(store.history.length).toBe(stored.length)
        } finally {
          await sync.close()
        }
      }
    },
  })
}

describe('model: reloads with snapshots', () => {
  it("every tab converges to the server's fold, whatever snapshot it booted from", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40 }), run), {
        numRuns: Number(process.env.MODEL_RUNS ?? 30),
      })
    } finally {
      warn.mockRestore()
    }
    // The runs did boot from each kind of start, not only from events.
    expect(stats.boots.get('local-snapshot')).toBeGreaterThan(0)
    expect(stats.boots.get('server-snapshot')).toBeGreaterThan(0)
  }, 120_000)
})
