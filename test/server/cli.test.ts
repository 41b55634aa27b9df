import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { batch, events } from './helpers'

const CLI = fileURLToPath(new URL('../../src/server/cli.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'strata-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('strata-server CLI', () => {
  it('serves a SQLite file on the given port and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, '--db', join(dir, 'events.db'), '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    )
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /listening on (http:\/\/\S+) \(sqlite\)/.exec(out)
        if (match) resolve(match[1]!)
      })
      void exited.then(() => reject(new Error(`CLI exited: ${out}`)))
    })
    const response = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch('cli', events('cli', 1, 2))),
    })
    expect(((await response.json()) as { token: string }).token).toBe('v1:2')
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  }, 20_000)

  it('refuses a bad port with a clear message', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', 'eighty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(1)
    expect(err).toContain('--port must be 0-65535')
  }, 20_000)
})
