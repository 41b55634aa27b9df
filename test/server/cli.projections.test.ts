import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createEventServer, sqliteStorage } from '@strata/state/server'
import { afterAll, expect, it } from 'vitest'
import { batch, events, postOk } from './helpers'
import { cardsProjection } from './suite.tables'

const CLI = fileURLToPath(new URL('../../src/server/cli.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'strata-cli-projections-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const cli = async (...args: string[]) => {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      CLI,
      ...args,
    ])
    return { code: 0, out: stdout }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, out: e.stdout + e.stderr }
  }
}

it('strata-server projections lists version, status, position and lag; rebuild NAME asks for a rebuild', async () => {
  const db = join(dir, 'events.db')
  const storage = sqliteStorage(db)
  const server = createEventServer({ storage, projections: [cardsProjection()], onError: () => {} })
  await postOk(server, batch('c1', events('c1', 1, 3)))
  await server.close()
  await storage.close()

  const list = await cli('projections', '--db', db)
  expect(list.code).toBe(0)
  expect(list.out.split('\n').map((l) => l.split(/\s+/).join(' '))).toEqual([
    'NAME VERSION GENERATION STATUS POSITION LAG ERROR',
    'cards 1 1 live 3 0',
    '',
  ])
  const rebuild = await cli('projections', 'rebuild', 'cards', '--db', db)
  expect(rebuild.out).toMatch(/Rebuilding cards version 1 into generation 2/)
  expect((await cli('projections', '--db', db)).out).toMatch(/cards\s+1\s+2\s+building\s+0\s+3/)
  const unknown = await cli('projections', 'rebuild', 'nope', '--db', db)
  expect([unknown.code, unknown.out]).toEqual([
    1,
    expect.stringMatching(/No table projection named "nope"; this store has cards/),
  ])
  expect((await cli('projections', 'oops', '--db', db)).out).toMatch(
    /Usage: strata-server projections/,
  )
}, 60_000)
