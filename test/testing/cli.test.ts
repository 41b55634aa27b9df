import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const session = 'test/sessions/kanban.session.json'
const fixture = (name: string) => `test/testing/fixtures/${name}`

/** Runs `strata <args>` as a user would: bin/strata.js, which runs the sources through tsx. */
function strata(...args: string[]) {
  const run = spawnSync(process.execPath, ['bin/strata.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe('strata replay (CLI)', { timeout: 60_000 }, () => {
  it("replays the demo's browser session with the README's command and config", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const command =
      'npx strata replay test/sessions/kanban-browser.session.json --config examples/kanban/replay.config.ts'
    expect(readme).toContain(command)
    const run = strata(...command.split(' ').slice(2))
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("replays with today's code")
  })

  it('exits 0 and prints the report for a session today’s code replays', () => {
    const run = strata('replay', session, '--config', fixture('kanban.config.ts'))
    expect(run.stderr).toBe('')
    expect(run.stdout).toMatch(
      /^Session "test\/sessions\/kanban\.session\.json" \(code 1\.0\.0, recorded .+, 18 events, 17 commands\) replays with today's code: 4 checkpoint\(s\) match\.\n\nCompatibility: every event and command type is known/,
    )
    expect(run.code).toBe(0)
  })

  it('exits 1 and prints each divergence with its first event and diff', () => {
    const run = strata('replay', session, '--config', fixture('forgetful.config.ts'))
    expect(run.code).toBe(1)
    expect(run.stdout).toContain("does not replay with today's code: 3 divergence(s).")
    expect(run.stdout).toContain(
      'Divergence 1 of 3 (state, events 5 to 9):\n  Event 8 ("card/moved") is the first after which',
    )
    expect(run.stdout).toMatch(/\.doneAt\n {6}- Date\(.+\)\n {6}\+ undefined\n/)
  })

  it('re-runs the commands with --mode commands and catches a changed handler', () => {
    const config = fixture('untrimmed.config.ts')
    expect(strata('replay', session, '--config', config).code).toBe(0)
    const run = strata('replay', session, '--config', config, '--mode', 'commands')
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('Command "renameCard"')
    expect(run.stdout).toContain('makes event 7 ("card/renamed") differently.')
    expect(run.stdout).toContain(
      'payload.title\n      - "Sketch the board UI"\n      + "Sketch the board UI "',
    )
  })

  it('exits 2 with the format error for a truncated file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-cli-'))
    const file = join(dir, 'cut.session.json')
    writeFileSync(file, readFileSync(join(root, session), 'utf8').slice(0, 500))
    const run = strata('replay', file, '--config', fixture('kanban.config.ts'))
    rmSync(dir, { recursive: true, force: true })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(
      `${file}: [strata] Cannot load the session: at the top level, expected the JSON text of a session file, received text that is not valid JSON`,
    )
  })

  it.each([
    [['replay', session], 'Pass --config <module>'],
    [['replay', '--config', 'x.ts'], 'Name at least one session file'],
    [['record', session, '--config', 'x.ts'], 'Unknown command "record"'],
    [
      ['replay', session, '--config', 'missing.config.ts'],
      'Cannot load the config module missing.config.ts',
    ],
    [
      ['replay', session, '--config', fixture('kanban.ts')],
      'it must export (as default, or as `config`)',
    ],
  ])('exits 2 on bad usage: strata %j', (args, message) => {
    const run = strata(...args)
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^\[strata\] /)
    expect(run.stderr).toContain(message)
  })
})
