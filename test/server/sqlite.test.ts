import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStorage } from '@strata/state/server'
import { afterAll, describe } from 'vitest'
import { describeStorage } from './suite'

const dir = mkdtempSync(join(tmpdir(), 'strata-sqlite-'))
let n = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sqliteStorage', () => {
  describeStorage({ make: async () => sqliteStorage(join(dir, `events-${n++}.db`)) })
})
