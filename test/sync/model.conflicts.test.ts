import { createStore } from '@strata/state'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { testServer } from './helpers'
import { type NetworkStep, networkStep, runSchedule, slot } from './modelHarness'

// The sync model with commands that conflict: notes that clients create, edit, move, delete and
// undo at once, each note its own stream. The reducer is strict (it throws on an edit, move or
// delete of a missing note), so a stale event that got stored would show.

type Note = { title: string; col: number }
type Notes = Record<string, Note>
type Ev =
  | { type: 'created'; payload: { id: string } & Note }
  | { type: 'edited'; payload: { id: string; title: string } }
  | { type: 'moved'; payload: { id: string; col: number } }
  | { type: 'deleted'; payload: { id: string } }

function reduce(draft: Notes, e: Ev) {
  const { id } = e.payload
  if (e.type === 'created') {
    if (draft[id]) throw new Error(`${id} exists`)
    draft[id] = { title: e.payload.title, col: e.payload.col }
    return
  }
  const note = draft[id]
  if (!note) throw new Error(`No note ${id} to change`)
  if (e.type === 'edited') note.title = e.payload.title
  else if (e.type === 'moved') note.col = e.payload.col
  else delete draft[id]
}

const need = (s: Notes, id: string) => {
  if (!s[id]) throw new Error(`There is no note ${id}`)
  return s[id]
}
// `from`: what an undo expects to find; anything else means another writer changed it since.
const unchanged = (found: unknown, from: unknown) => {
  if (from !== undefined && JSON.stringify(found) !== JSON.stringify(from)) {
    throw new Error('Changed since')
  }
}

function notes() {
  return createStore({
    initialState: {} as Notes,
    reducer: reduce,
    commands: {
      create: (s: Notes, p: { id: string; title: string }) => {
        if (s[p.id]) throw new Error(`${p.id} exists`)
        return { type: 'created' as const, payload: { id: p.id, title: p.title, col: 0 } }
      },
      restore: (s: Notes, p: { id: string; note: Note }) => {
        if (s[p.id]) throw new Error(`${p.id} exists`)
        return { type: 'created' as const, payload: { id: p.id, ...p.note } }
      },
      edit: (s: Notes, p: { id: string; title: string; from?: string }) => {
        unchanged(need(s, p.id).title, p.from)
        return { type: 'edited' as const, payload: { id: p.id, title: p.title } }
      },
      move: (s: Notes, p: { id: string; col: number; from?: number }) => {
        unchanged(need(s, p.id).col, p.from)
        return { type: 'moved' as const, payload: { id: p.id, col: p.col } }
      },
      remove: (s: Notes, p: { id: string; from?: Note }) => {
        unchanged(need(s, p.id), p.from)
        return { type: 'deleted' as const, payload: { id: p.id } }
      },
    },
    inverses: {
      create: (_before, p) => ({
        type: 'remove',
        payload: { id: p.id, from: { title: p.title, col: 0 } },
      }),
      restore: (_before, p) => ({ type: 'remove', payload: { id: p.id, from: p.note } }),
      edit: (before, p) => ({
        type: 'edit',
        payload: { id: p.id, title: before[p.id]!.title, from: p.title },
      }),
      move: (before, p) => ({
        type: 'move',
        payload: { id: p.id, col: before[p.id]!.col, from: p.col },
      }),
      remove: (before, p) => ({ type: 'restore', payload: { id: p.id, note: before[p.id]! } }),
    },
  })
}

/** The server's fold: throws if any stored event makes the reducer throw. */
function fold(events: readonly { type: string; payload: unknown }[]): Notes {
  const state: Notes = {}
  for (const e of events) reduce(state, e as Ev)
  return state
}

type Step =
  | NetworkStep
  | { kind: 'create'; c: number; id: string }
  | { kind: 'remove'; c: number; id: string }
  | { kind: 'edit'; c: number; id: string; title: string }
  | { kind: 'move'; c: number; id: string; col: number }
  | { kind: 'undo'; c: number }
  | { kind: 'redo'; c: number }

const id = fc.constantFrom('a', 'b')
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('create' as const, 'remove' as const),
      c: slot,
      id,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      c: slot,
      id,
      title: fc.constantFrom('x', 'y', 'bad'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('move' as const), c: slot, id, col: fc.nat(2) }),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.record({ kind: fc.constant('undo' as const), c: slot }),
      fc.record({ kind: fc.constant('redo' as const), c: slot }),
    ),
  },
  { weight: 5, arbitrary: networkStep },
)

const stats = { runs: 0, stored: 0, lost: 0, refused: 0, undone: 0, undoLost: 0 }

async function run(steps: Step[]) {
  // The server refuses the title 'bad': permanent refusals, and commands decided on top of them.
  const server = testServer({
    validate: {
      created: z.object({ title: z.string().refine((t) => t !== 'bad') }).passthrough(),
      edited: z.object({ title: z.string().refine((t) => t !== 'bad') }).passthrough(),
    },
  })
  const accepted = new Map<string, { client: number; bad: boolean; undo: boolean }>()
  const reported: { id: string; client: number }[] = []
  const reducerErrors: unknown[] = []
  // Any reducer error in any tab at any moment, not only at the end: a frozen (claimed) event
  // folded on a state it was not decided on would throw there before being decided again.
  const everThrew: string[] = []
  await runSchedule({
    server,
    steps,
    store: () => {
      const store = notes()
      store.logs.subscribe(() => {
        for (const e of store.logs.events) {
          if (e.error !== undefined) everThrew.push(`${e.type} ${e.id}: ${String(e.error)}`)
        }
      })
      return store
    },
    options: (profile) => ({
      streamOf: (e: { payload?: unknown }) => `note:${(e.payload as { id: string }).id}`,
      onConflict: (c) => reported.push({ id: c.command.id, client: profile.n }),
      onError: (e) => reducerErrors.push(e),
    }),
    act(s, tab) {
      const { store } = tab
      const result =
        s.kind === 'undo'
          ? store.undo()
          : s.kind === 'redo'
            ? store.redo()
            : s.kind === 'edit'
              ? store.dispatch({ type: 'edit', payload: { id: s.id, title: s.title } })
              : s.kind === 'move'
                ? store.dispatch({ type: 'move', payload: { id: s.id, col: s.col } })
                : s.kind === 'create'
                  ? store.dispatch({ type: 'create', payload: { id: s.id, title: 'new' } })
                  : store.dispatch({ type: 'remove', payload: { id: s.id } })
      if (!result || result.error !== undefined) return
      const undo = s.kind === 'undo' || s.kind === 'redo'
      if (undo) stats.undone++
      const bad = JSON.stringify(result.command.payload).includes('"bad"')
      accepted.set(result.command.id, { client: tab.profile.n, bad, undo })
    },
    async check(open) {
      const stored = await server.stored()
      stats.runs++
      stats.stored += stored.length
      stats.lost += reported.length
      stats.undoLost += reported.filter((r) => accepted.get(r.id)?.undo).length
      // No stored event makes the reducer throw (in any tab, closed ones included), and every
      // client converges to the server's fold.
      expect(reducerErrors).toEqual([])
      expect(everThrew).toEqual([])
      const expected = fold(stored)
      for (const t of open) {
        expect(t.store.getState()).toEqual(expected)
        expect(t.store.logs.events.filter((e) => e.error !== undefined)).toEqual([])
      }
      // Each lost command is reported once, only to its own client, and was not stored.
      const storedCommands = new Set(stored.map((e) => e.commandId))
      expect(new Set(reported.map((r) => r.id)).size).toBe(reported.length)
      for (const r of reported) {
        expect(accepted.get(r.id)?.client).toBe(r.client)
        expect(storedCommands.has(r.id)).toBe(false)
      }
      // Each tab lists only its own client's lost commands (conflicts are not synced).
      for (const t of open) {
        for (const c of t.sync.conflicts.getSnapshot()) {
          expect(accepted.get(c.id)?.client).toBe(t.profile.n)
        }
      }
      // Nothing else is lost: every command accepted is stored, lost (reported) or refused.
      const lost = new Set(reported.map((r) => r.id))
      for (const [command, { bad }] of accepted) {
        if (bad) {
          stats.refused++
          expect(storedCommands.has(command)).toBe(false)
        } else expect(storedCommands.has(command) || lost.has(command)).toBe(true)
      }
    },
  })
}

// Delivers whatever the network holds (a send can be followed by the sender's own pull).
const deliverAll: Step[] = Array.from({ length: 4 }, () => ({
  kind: 'deliver' as const,
  i: 0,
  mode: 'answer' as const,
}))

/** Profile 0 creates 'a', stored, and profile 1 pulls it: both have decided nothing on it yet. */
const sharedA: Step[] = [
  { kind: 'create', c: 0, id: 'a' },
  { kind: 'tick', c: 0, ms: 300 },
  ...deliverAll,
  { kind: 'pull', c: 2 },
  ...deliverAll,
]

// A schedule that surely loses, refuses and undoes, run before the random ones (fast-check's
// `examples`): random schedules alone lose a command in most runs, not in all, and the checks
// below that the model exercised those paths must not depend on the seed. Profile 0 creates and
// then deletes 'a' while profile 1, which has pulled 'a', edits it: the edit arrives second and
// is lost (edit against delete). Profile 2 edits 'b' to the refused title and undoes that: the
// undo, decided on the refused edit, is lost too.
const surely: Step[] = [
  ...sharedA,
  { kind: 'remove', c: 0, id: 'a' },
  { kind: 'tick', c: 0, ms: 300 },
  ...deliverAll,
  { kind: 'edit', c: 2, id: 'a', title: 'x' },
  { kind: 'create', c: 4, id: 'b' },
  { kind: 'edit', c: 4, id: 'b', title: 'bad' },
  { kind: 'undo', c: 4 },
]

// Undo of something another client changed: profile 2 edits 'b' to 'x', profile 0 (which has
// pulled it) edits it to 'y', then profile 2, not having seen 'y', undoes its edit. The undo
// expects 'x' there: re-run on the server's state it throws, and is lost, to profile 2 only.
const undoOfChanged: Step[] = [
  { kind: 'create', c: 4, id: 'b' },
  { kind: 'edit', c: 4, id: 'b', title: 'x' },
  { kind: 'tick', c: 4, ms: 300 },
  ...deliverAll,
  { kind: 'pull', c: 0 },
  ...deliverAll,
  { kind: 'edit', c: 0, id: 'b', title: 'y' },
  { kind: 'tick', c: 0, ms: 300 },
  ...deliverAll,
  { kind: 'undo', c: 4 },
]

// Concurrent moves of one note by two profiles: the second to arrive is refused as stale, re-run
// on the moved note and stored as decided now; both clients end where the server's fold is.
const concurrentMoves: Step[] = [
  ...sharedA,
  { kind: 'move', c: 0, id: 'a', col: 1 },
  { kind: 'move', c: 2, id: 'a', col: 2 },
]

// Found by the model: profile 1's creation of 'b' is being claimed (written to the outbox, its
// expectation not known yet) when a pull brings profile 0's 'b'. It was folded, frozen, on a
// state with 'b' (the reducer threw) until the server refused it; now the pull waits for the
// claim and decides it again at once.
const claimedWhilePulled: Step[] = [
  { kind: 'create', c: 0, id: 'b' },
  { kind: 'create', c: 2, id: 'b' },
  { kind: 'tick', c: 0, ms: 5000 },
  { kind: 'edit', c: 0, id: 'a', title: 'x' },
  { kind: 'deliver', i: 4, mode: 'answer' },
  { kind: 'tick', c: 0, ms: 10 },
  { kind: 'edit', c: 0, id: 'a', title: 'x' },
  { kind: 'deliver', i: 0, mode: 'lose' },
  { kind: 'move', c: 0, id: 'a', col: 0 },
  { kind: 'drop', i: 0 },
]

describe('model: conflicting commands', () => {
  it('edit against delete, concurrent moves, undo of what another changed: converge, report each lost command once', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 45 }), run), {
      numRuns: Number(process.env.MODEL_RUNS ?? 40),
      examples: [[surely], [undoOfChanged], [concurrentMoves], [claimedWhilePulled]],
    })
    // The runs did store, lose, refuse and undo, not only empty schedules (`surely` does all, and
    // `undoOfChanged` loses an undo).
    expect(stats.stored).toBeGreaterThan(stats.runs / 2)
    expect(stats.lost).toBeGreaterThan(0)
    expect(stats.refused).toBeGreaterThan(0)
    expect(stats.undone).toBeGreaterThan(0)
    expect(stats.undoLost).toBeGreaterThan(0)
  }, 240_000)
})
