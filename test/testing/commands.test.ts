import { type CommandContext, createStore } from '@strata/state'
import { exportSession, replaySession } from '@strata/state/testing'
import { describe, expect, it } from 'vitest'
import { boardCommands, boardReducer } from './fixtures/kanban'
import { kanbanSession, untrimmedCommands } from './fixtures/sessions'

describe('replaySession, mode "commands"', () => {
  it('re-runs the recorded commands with their recorded ctx values and gets the same events', () => {
    const { store, session } = kanbanSession()
    const result = replaySession(session, {
      reducer: boardReducer,
      commands: boardCommands,
      mode: 'commands',
    })
    expect(result.divergences).toEqual([])
    expect(result.ok).toBe(true)
    // Same uuids and times as recorded: the ids of the cards are the recorded ones.
    expect(result.finalState).toEqual(store.getState())
  })

  it('catches a changed command handler: the first event it makes differently, with the diff', () => {
    const { session } = kanbanSession()
    // mode "events" never runs the handlers, so it cannot see the change.
    expect(replaySession(session, { reducer: boardReducer, commands: untrimmedCommands }).ok).toBe(
      true,
    )
    const result = replaySession(session, {
      reducer: boardReducer,
      commands: untrimmedCommands,
      mode: 'commands',
    })
    expect(result.ok).toBe(false)
    const index = session.events.findIndex((e) => e.event.type === 'card/renamed')
    const command = session.commands.find((c) => c.eventIds.includes(session.events[index]!.id))!
    expect(result.divergences).toHaveLength(1)
    expect(result.divergences[0]).toMatchObject({
      kind: 'event',
      index,
      type: 'card/renamed',
      eventId: session.events[index]!.id,
      exact: true,
      from: 5,
      checkpoint: 10,
    })
    expect(result.divergences[0]!.diff).toBe(
      'payload.title\n  - "Sketch the board UI"\n  + "Sketch the board UI "',
    )
    expect(result.divergences[0]!.summary).toBe(
      `Command "renameCard" (id ${command.id}) makes event ${index} ("card/renamed") differently.`,
    )
  })

  it('reports an event a handler no longer makes, and the rejection that replaced it', () => {
    const { session } = kanbanSession()
    const strict = {
      ...boardCommands,
      renameCard: () => {
        throw new Error('Renaming is disabled')
      },
    }
    const result = replaySession(session, {
      reducer: boardReducer,
      commands: strict,
      mode: 'commands',
    })
    const renamed = session.events.findIndex((e) => e.event.type === 'card/renamed')
    const [d] = result.divergences
    expect(d).toMatchObject({
      kind: 'event',
      index: renamed,
      type: 'card/renamed',
      actual: undefined,
    })
    expect(d!.summary).toMatch(
      /no longer makes event 7 \("card\/renamed"\); today's handler rejects it: Error: Renaming is disabled\.$/,
    )
    expect(d!.diff).toMatch(/^event\n {2}- \{ type: "card\/renamed"/)
  })

  it('reports an extra event and a command type today has no handler for', () => {
    const { session } = kanbanSession()
    const { clearDone: _, ...withoutClear } = boardCommands
    const chatty = {
      ...withoutClear,
      moveCard: (s: any, p: any, ctx: any) => {
        const made = boardCommands.moveCard(s, p, ctx)
        return made ? [made, { type: 'card/touched', payload: { id: p.id } }] : undefined
      },
    }
    const result = replaySession(session, {
      reducer: boardReducer,
      commands: chatty,
      mode: 'commands',
    })
    expect(result.compatibility.issues).toEqual([
      expect.objectContaining({ kind: 'unknown-command', type: 'clearDone', count: 1 }),
    ])
    const firstMove = session.events.findIndex((e) => e.event.type === 'card/moved')
    expect(result.divergences[0]).toMatchObject({
      kind: 'event',
      index: firstMove + 1,
      type: 'card/touched',
      expected: undefined,
    })
    expect(result.divergences[0]!.summary).toContain('now makes an extra event "card/touched"')
  })

  it('notes when a handler asks ctx for more values than were recorded', () => {
    type State = { ids: string[] }
    const reducer = (d: State, e: { type: 'made'; payload: string[] }) => {
      d.ids.push(...e.payload)
    }
    const make = (_s: State, _p: unknown, ctx: CommandContext) => ({
      type: 'made' as const,
      payload: [ctx.uuid()],
    })
    const store = createStore({ initialState: { ids: [] }, reducer, commands: { make } })
    store.dispatch({ type: 'make' })
    const session = exportSession(store)
    const greedy = {
      make: (_s: State, _p: unknown, ctx: CommandContext) => ({
        type: 'made' as const,
        payload: [ctx.uuid(), ctx.uuid()],
      }),
    }
    const result = replaySession(session, { reducer, commands: greedy, mode: 'commands' })
    const [d] = result.divergences
    expect(d!.summary).toContain('its handler asked ctx for more values than were recorded')
    expect((d!.actual as { payload: string[] }).payload[0]).toBe(session.commands[0]!.ctx!.uuid![0])
  })
})
