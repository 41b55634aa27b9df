import { postgresStorage } from '@strata/state/server'
import { afterAll, beforeAll, describe } from 'vitest'
import { startPostgres, type TestPostgres } from './pg'
import { describeStorage } from './suite'

let postgres: TestPostgres
let pool: ReturnType<TestPostgres['pool']>
beforeAll(async () => {
  postgres = await startPostgres()
  pool = postgres.pool(20)
}, 60_000)
afterAll(() => postgres?.stop())

describe('postgresStorage', () => {
  describeStorage({ make: () => postgresStorage(pool, { schema: postgres.schema() }) })
})
