import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@strata/state/server'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { forgetCommand } from '../../src/server/cliForget'
import { parseCli } from '../../src/server/cliOptions'
import { personal } from './erasureFixtures'

const running: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const r of running.splice(0)) await r.close()
})

const TOKEN = 'cli-forget-token-0123456789abcdef'
const dir = mkdtempSync(join(tmpdir(), 'strata-cli-forget-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const flags = () => ['--dev-token', TOKEN, '--port', '0', '--db', join(dir, `events-${n++}.db`)]

describe('strata-server forget <subject>', () => {
  it('forgets on a running server as the development token (an admin), over HTTP', async () => {
    const choice = parseCli(flags(), {})
    const server = await serve({ ...choice.serve, personal, log: () => {} })
    running.push(server)
    const said = await forgetCommand(['ada', '--url', server.url], { STRATA_TOKEN: TOKEN })
    expect(said).toBe('Forgot "ada"; recorded at v1:1')
    const read = await fetch(`${server.url}/events`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    const body = (await read.json()) as { events: { type: string; payload: unknown }[] }
    expect(body.events[0]).toMatchObject({
      type: 'strata/subject-forgotten',
      payload: { subject: 'ada', by: 'dev' },
    })
  })

  it('says why when the server refuses, and how to call it when the subject is missing', async () => {
    const choice = parseCli(flags(), {})
    const server = await serve({ ...choice.serve, log: () => {} })
    running.push(server)
    await expect(
      forgetCommand(['ada', '--url', server.url], { STRATA_TOKEN: 'wrong-token-0123456789' }),
    ).rejects.toThrow(/refused \(401\)/)
    await expect(forgetCommand([], {})).rejects.toThrow(/Usage: strata-server forget/)
  })

  it('takes --admin-claim only with JWTs', () => {
    expect(() => parseCli(['--admin-claim', 'admin'], {})).toThrow(/--admin-claim needs --jwt/)
  })
})
