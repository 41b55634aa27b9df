import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, it } from 'vitest'

const FIXTURE = fileURLToPath(new URL('./fixtures/closeMidBatch.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'strata-close-mid-batch-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * In its own process: a store whose event loop starves cannot fail a test in this one (no timer
 * fires). Before the fix the runner's next batch, queued on the closed connection, scheduled its
 * group again and again in microtasks: CLOSED, then nothing.
 */
it('a SQLite store closed while a table batch is under way closes after it; the same file opens again in the process, every event applied once', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, join(dir, 'events.db')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  // A hang detector only (a loaded machine takes seconds to start tsx), not a timing assertion.
  const killer = setTimeout(() => child.kill('SIGKILL'), 50_000)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  clearTimeout(killer)
  expect(output).toContain('CLOSED\nREFUSED [strata] this SQLite storage is closed')
  expect(output).toContain('TIMER\n')
  expect(output).toContain('ROWS ["c-1","c-2","c-3","c-4"]')
  expect(code, output).toBe(0)
}, 60_000)
