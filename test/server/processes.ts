import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll } from 'vitest'
import { startPostgres, type TestPostgres } from './pg'

const FIXTURE = fileURLToPath(new URL('./fixtures/serverProcess.ts', import.meta.url))

export interface ServerProcess {
  url: string
  child: ChildProcess
  /** Resolves when the process prints `line` (from now on). */
  waitFor(line: string): Promise<void>
  /** Lets a held append continue. */
  release(): void
  kill(): Promise<void>
}

/** Starts a fixture server (serverProcess.ts unless named) in its own Node process; resolves once it listens. */
export async function startServerProcess(
  env: Record<string, string>,
  fixture = FIXTURE,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  const waiters: { line: string; resolve: () => void }[] = []
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString()
    const lines = output.split('\n')
    output = lines.pop()!
    for (const line of lines) {
      for (const w of waiters.filter((w) => line.startsWith(w.line))) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
      if (line.startsWith('READY ')) url = line.slice(6)
    }
  })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    if (process.env.STRATA_DEBUG) process.stderr.write(chunk)
  })
  let url = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const waitFor = (line: string) =>
    new Promise<void>((resolve, reject) => {
      waiters.push({ line, resolve })
      void exited.then(() => reject(new Error(`server process exited before "${line}": ${stderr}`)))
    })
  await waitFor('READY')
  return {
    url,
    child,
    waitFor,
    release: () => child.stdin!.write('go\n'),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}

/**
 * A PostgreSQL cluster for one test file and the server processes its tests start (push them on
 * `running`): the cluster starts before the file's tests, and everything stops after them.
 * `beforeStop` runs first (a test that froze a process thaws it).
 */
export function postgresForProcesses(beforeStop?: (running: ServerProcess[]) => void) {
  let postgres: TestPostgres | undefined
  const running: ServerProcess[] = []
  beforeAll(async () => {
    postgres = await startPostgres()
  }, 60_000)
  afterAll(async () => {
    beforeStop?.(running)
    await Promise.all(running.map((p) => p.kill()))
    await postgres?.stop()
  })
  return { postgres: () => postgres!, running }
}
