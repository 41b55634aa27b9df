import { serializeSession } from '@strata/state/testing'
import '@strata/state/testing/vitest'
import { describe, expect, it } from 'vitest'
import { boardReducer } from './fixtures/kanban'
import { forgetfulReducer, kanbanSession } from './fixtures/sessions'

/** The message a failing `expect` throws. */
function failure(run: () => void): string {
  try {
    run()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the assertion to fail')
}

describe('expect(session).toReplay', () => {
  it('passes when today’s code replays the session, as an object or as file text', () => {
    const { session } = kanbanSession()
    expect(session).toReplay({ reducer: boardReducer })
    expect(serializeSession(session)).toReplay({ reducer: boardReducer })
  })

  it('fails naming the first diverging event, its index and type, and prints the diff', () => {
    const { session } = kanbanSession()
    const index = session.events.findIndex((e) => (e.event as any).payload.to === 'done')
    const id = (session.events[index]!.event as any).payload.id
    const message = failure(() => expect(session).toReplay({ reducer: forgetfulReducer }))
    expect(message).toMatch(
      /^\[strata\] Session "kanban" \(recorded .+, 18 events, 17 commands\) does not replay with today's code: 3 divergence\(s\)\./,
    )
    expect(message).toContain(
      `Divergence 1 of 3 (state, events 5 to 9):\n  Event ${index} ("card/moved") is the first after which today's state differs from the recorded one; at checkpoint 10 (after 10 events) the states differ.`,
    )
    expect(message).toContain('  State after 10 events, - recorded + replayed today:')
    expect(message).toMatch(
      new RegExp(
        `    cards\\["${id}"\\]\\.doneAt\\n      - Date\\(\\d{4}-.+Z\\)\\n      \\+ undefined`,
      ),
    )
  })

  it('names the session by the given name', () => {
    const { session } = kanbanSession()
    const message = failure(() =>
      expect(session).toReplay({ reducer: forgetfulReducer, name: 'sessions/day.json' }),
    )
    expect(message).toMatch(/^\[strata\] Session "sessions\/day\.json"/)
  })

  it('supports .not', () => {
    const { session } = kanbanSession()
    expect(session).not.toReplay({ reducer: forgetfulReducer })
    const message = failure(() => expect(session).not.toReplay({ reducer: boardReducer }))
    expect(message).toMatch(/Expected Session "kanban" .* not to replay with today's code/)
  })

  it('fails with the format error for something that is not a session', () => {
    const message = failure(() => expect({ format: 'other' }).toReplay({ reducer: boardReducer }))
    expect(message).toContain('at format, expected "strata.session", received string "other"')
  })
})
