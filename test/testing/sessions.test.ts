import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { replaySessions } from '@strata/state/testing/vitest'
import { afterAll, describe, expect, it } from 'vitest'
import { boardCommands, boardReducer } from './fixtures/kanban'

// The committed kanban session (recorded by fixtures/record-kanban.ts), replayed through
// today's reducer and handlers: one test per file. Only that file: the session recorded on the
// kanban example in the browser (kanban-browser.session.json) has the example's own reducer,
// and test/sessions/kanban.test.ts replays it.
const pattern = 'test/sessions/kanban.session.json'
replaySessions(pattern, { reducer: boardReducer, commands: boardCommands, mode: 'commands' })

// replaySessions registered with a recording runner, to check which tests it makes.
const dir = mkdtempSync(join(tmpdir(), 'strata-sessions-'))
for (const file of ['a.session.json', 'b.session.json', 'notes.txt', '.hidden.session.json']) {
  writeFileSync(join(dir, file), '{}')
}
mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true })
mkdirSync(join(dir, 'node_modules'))
writeFileSync(join(dir, 'nested', 'deeper', 'c.session.json'), '{}')
writeFileSync(join(dir, 'node_modules', 'd.session.json'), '{}')
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const config = { reducer: boardReducer }

interface Made {
  name: string
  tests: { name: string; body: () => void }[]
}
function made(pattern: string, options: { cwd?: string } = { cwd: dir }): Made {
  const suites: Made[] = []
  const runner = {
    describe: (name: string, body: () => void) => {
      suites.push({ name, tests: [] })
      body()
    },
    it: (name: string, body: () => void) => suites.at(-1)!.tests.push({ name, body }),
  }
  replaySessions(pattern, config, { ...options, runner })
  return suites[0]!
}
const names = (m: Made) => [m.name, m.tests.map((t) => t.name)]

describe('replaySessions', () => {
  it('makes one test per recorded file matching the pattern', ({ task }) => {
    const own = task.file.tasks.find((t) => t.name === `recorded sessions ${pattern}`) as any
    expect(own.tasks.map((t: any) => t.name)).toEqual(['replays test/sessions/kanban.session.json'])
    expect(names(made('*.session.json'))).toEqual([
      'recorded sessions *.session.json',
      ['replays a.session.json', 'replays b.session.json'],
    ])
    expect(names(made('**/*.session.json'))).toEqual([
      'recorded sessions **/*.session.json',
      ['replays a.session.json', 'replays b.session.json', 'replays nested/deeper/c.session.json'],
    ])
    expect(names(made('nested/*/?.session.json'))).toEqual([
      'recorded sessions nested/*/?.session.json',
      ['replays nested/deeper/c.session.json'],
    ])
    const absolute = join(dir, 'b.session.json')
    expect(names(made(absolute, {}))).toEqual([
      `recorded sessions ${absolute}`,
      [`replays ${absolute}`],
    ])
  })

  it('makes a failing test when the pattern matches no file', () => {
    const none = made('none-*.session.json')
    expect(names(none)).toEqual(['recorded sessions none-*.session.json', ['finds session files']])
    expect(() => none.tests[0]!.body()).toThrow(
      `[strata] replaySessions: no file matches "none-*.session.json" in ${dir}.`,
    )
  })

  it('fails the test of a file that is not a session, with the format error', () => {
    const [test] = made('*.session.json').tests
    expect(() => test!.body()).toThrow(
      '[strata] Cannot load the session: at format, expected "strata.session", received nothing.',
    )
  })
})
