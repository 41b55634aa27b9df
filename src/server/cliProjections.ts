import { parseArgs } from 'node:util'
import { reportProjections, requestRebuild } from './tables/admin'
import type { Hold } from './tables/holds'
import type { Failure } from './tables/meta'
import type { Storage } from './types'

const USAGE =
  'Usage: strata-server projections [rebuild <name>] [--db <file> | --postgres <url>] [--schema <name>]'

/**
 * `strata-server projections`: each table projection's generations (version, status, position,
 * lag, error), read from the store. `strata-server projections rebuild NAME`: asks the servers
 * running NAME to rebuild it into new tables while the old ones answer.
 */
const failed = (e: Failure) =>
  `${e.message} (event ${e.id}, ${e.type}, tenant ${JSON.stringify(e.tenant)} position ${e.tenantPosition})`

/** A tenant held back in a generation: stopped at an event of its own, or rebuilt. */
const held = (h: Hold) =>
  h.kind === 'stopped'
    ? `tenant ${JSON.stringify(h.tenant)} stopped after its position ${h.position}${h.error ? `: ${failed(h.error)}` : ''}`
    : `tenant ${JSON.stringify(h.tenant)} rebuilding, at its position ${h.position}${h.error ? `: ${failed(h.error)}` : ''}`

export async function projectionsCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      db: { type: 'string', default: './events.db' },
      postgres: { type: 'string' },
      schema: { type: 'string' },
    },
  })
  const [command, name, ...rest] = positionals
  if (rest.length || (command !== undefined && (command !== 'rebuild' || !name)))
    throw new Error(USAGE)
  const { storage, end } = await open(values.postgres ?? env.DATABASE_URL, values.db, values.schema)
  try {
    if (command === 'rebuild') {
      const gen = await requestRebuild(storage, name!)
      return `Rebuilding ${name} version ${gen.version} into generation ${gen.generation}; the servers running it build it in the background`
    }
    const rows = await reportProjections(storage)
    if (!rows.length) return 'No table projections in this store'
    const table = [
      ['NAME', 'VERSION', 'GENERATION', 'STATUS', 'POSITION', 'LAG', 'ERROR'],
      ...rows.map((r) => [
        r.name,
        String(r.version),
        String(r.generation),
        r.status,
        String(r.position),
        String(r.lag),
        [r.error && failed(r.error), ...r.tenants.map(held)].filter(Boolean).join('; '),
      ]),
    ]
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)))
    return table
      .map((row) =>
        row
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n')
  } finally {
    await end()
  }
}

async function open(postgres: string | undefined, db: string, schema: string | undefined) {
  if (postgres) {
    const { default: pg } = await import('pg')
    const { postgresStorage } = await import('./storage/postgres')
    const pool = new pg.Pool({ connectionString: postgres })
    const storage: Storage = await postgresStorage(pool, schema ? { schema } : {})
    return {
      storage,
      end: async () => {
        await storage.close()
        await pool.end()
      },
    }
  }
  const fs = process.getBuiltinModule('node:fs')
  if (!fs.existsSync(db)) throw new Error(`No store at ${db}; pass --db <file> or --postgres <url>`)
  const { sqliteStorage } = await import('./storage/sqlite')
  const storage = sqliteStorage(db)
  return { storage, end: () => storage.close() }
}
