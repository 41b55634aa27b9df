import { createServer, type Server } from 'node:net'
import { describe, expect, it } from 'vitest'
import { startPostgres } from './pg'

// The helper the PostgreSQL suites start their cluster with: a cluster that cannot start fails
// the suite at once with one line saying why, instead of a hook that times out.
describe.skipIf(process.env.STRATA_TEST_PG_URL)('the test PostgreSQL', () => {
  it('says in one line why a cluster could not start', async () => {
    const taken: Server = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const { port } = taken.address() as { port: number }
    try {
      const error = await startPostgres({ port }).then(
        () => undefined,
        (e: Error) => e,
      )
      expect(error?.message).toMatch(
        /^PostgreSQL for the tests did not start: .*\(last output: .+\)\./,
      )
      expect(error?.message).not.toContain('\n')
    } finally {
      taken.close()
    }
  }, 60_000)
})
