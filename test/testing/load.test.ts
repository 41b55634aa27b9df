import { loadSession, SessionFormatError, serializeSession } from '@strata/state/testing'
import { describe, expect, it } from 'vitest'
import { counterSession } from './fixtures/sessions'

const good = () => serializeSession(counterSession(6, 2, { codeVersion: '2.0.0' }))
const edit = (change: (raw: any) => void) => {
  const raw = JSON.parse(good())
  change(raw)
  return JSON.stringify(raw)
}

/** The error loading `input` throws. */
function loadError(input: unknown): SessionFormatError {
  try {
    loadSession(input)
  } catch (error) {
    expect(error).toBeInstanceOf(SessionFormatError)
    return error as SessionFormatError
  }
  throw new Error('expected loadSession to throw')
}

describe('loadSession', () => {
  it('loads the text, the parsed JSON and the session object alike', () => {
    const session = counterSession(6, 2)
    const text = serializeSession(session)
    expect(loadSession(text)).toEqual(session)
    expect(loadSession(JSON.parse(text))).toEqual(session)
    expect(loadSession(session)).toBe(session)
  })

  it.each([
    [
      'a truncated file',
      good().slice(0, 200),
      '',
      'the JSON text of a session file',
      /^text that is not valid JSON/,
    ],
    ['an empty file', '', '', 'the JSON text of a session file', 'an empty text'],
    [
      'an array',
      '[]',
      '',
      'a session object { format: "strata.session", version, ... }',
      'an array',
    ],
    [
      'another format',
      edit((r) => (r.format = 'redux-devtools')),
      'format',
      '"strata.session"',
      'string "redux-devtools"',
    ],
    ['a newer version', edit((r) => (r.version = 2)), 'version', 'version 1', 'number 2'],
    ['a version as a string', edit((r) => (r.version = '1')), 'version', 'version 1', 'string "1"'],
    ['no version', edit((r) => delete r.version), 'version', 'version 1', 'nothing'],
    [
      'no meta',
      edit((r) => delete r.meta),
      'meta',
      'an object { recordedAt, app?, codeVersion? }',
      'nothing',
    ],
    [
      'a numeric code version',
      edit((r) => (r.meta.codeVersion = 2)),
      'meta.codeVersion',
      'a string',
      'number 2',
    ],
    [
      'no initial state',
      edit((r) => delete r.initialState),
      'initialState',
      'the state before the first event',
      'nothing',
    ],
    [
      'a zero event version',
      edit((r) => (r.eventVersions.add = 0)),
      'eventVersions.add',
      'an integer version, 1 or more',
      'number 0',
    ],
    ['events as an object', edit((r) => (r.events = {})), 'events', 'an array', 'an object'],
    [
      'a numeric event type',
      edit((r) => (r.events[3].event.type = 7)),
      'events[3].event.type',
      'a string',
      'number 7',
    ],
    [
      'an event without time',
      edit((r) => delete r.events[2].at),
      'events[2].at',
      'a finite number',
      'nothing',
    ],
    [
      'a skipped flag as text',
      edit((r) => (r.events[1].skipped = 'yes')),
      'events[1].skipped',
      'a boolean',
      'string "yes"',
    ],
    [
      'an odd origin',
      edit((r) => (r.events[0].origin = 'server')),
      'events[0].origin',
      '"remote", "local" or nothing',
      'string "server"',
    ],
    [
      'a command id as a number',
      edit((r) => (r.commands[4].eventIds[0] = 5)),
      'commands[4].eventIds[0]',
      'a string',
      'number 5',
    ],
    [
      'a recorded uuid as a number',
      edit((r) => (r.commands[0].ctx = { uuid: [1] })),
      'commands[0].ctx.uuid[0]',
      'a string',
      'number 1',
    ],
    [
      'checkpoints out of order',
      edit((r) => r.checkpoints.reverse()),
      'checkpoints[1].index',
      'an integer from 7 to 6 (the number of events)',
      'number 4',
    ],
    [
      'no final checkpoint',
      edit((r) => r.checkpoints.pop()),
      'checkpoints',
      'a last checkpoint at index 6 (the final state)',
      'a last checkpoint at index 4',
    ],
    [
      'a checkpoint without state',
      edit((r) => delete r.checkpoints[0].state),
      'checkpoints[0].state',
      'the state after 2 events',
      'nothing',
    ],
  ])('rejects %s, naming the path', (_name, input, path, expected, received) => {
    const error = loadError(input)
    expect(error.path).toBe(path)
    expect(error.expected).toBe(expected)
    if (typeof received === 'string') expect(error.received).toBe(received)
    else expect(error.received).toMatch(received)
    expect(error.message).toMatch(/^\[strata\] Cannot load the session: at /)
    expect(error.message).toContain(`expected ${expected}, received ${error.received}.`)
  })

  it('says which version it reads and what to do about a newer file', () => {
    const error = loadError(edit((r) => (r.version = 2)))
    expect(error.message).toBe(
      '[strata] Cannot load the session: at version, expected version 1, received number 2. The file was written by a newer @strata/state, which writes version 2; upgrade @strata/state to replay it.',
    )
    expect(loadError(edit((r) => (r.events = 3))).message).toContain(
      'This package reads "strata.session" files of version 1',
    )
  })

  it('keeps the JSON error of a truncated file as the cause', () => {
    const error = loadError('{"format": "strata.session", "vers')
    expect(error.cause).toBeInstanceOf(SyntaxError)
    expect(error.message).toContain('Is the file truncated or not a session?')
  })

  it('rejects superjson annotations that do not fit the file', () => {
    const text = serializeSession(counterSession(1, 1, { recordedAt: new Date(0) }))
    const raw = { ...JSON.parse(text), superjson: { values: { 'initialState.n': ['map'] } } }
    expect(loadError(raw).path).toBe('superjson')
    expect(loadError({ ...JSON.parse(text), superjson: 'x' })).toMatchObject({
      path: 'superjson',
      received: 'string',
    })
  })
})
