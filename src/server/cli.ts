#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { serve } from './node'
import type { Storage } from './types'

const HELP = `strata-server: the Strata event server

  --db <file>         SQLite file (default ./events.db)
  --postgres <url>    use PostgreSQL instead (or DATABASE_URL); needs the "pg" package
  --schema <name>     PostgreSQL schema (default strata)
  --port <n>          default 8787
  --host <address>    default 127.0.0.1
  --help`

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: './events.db' },
      postgres: { type: 'string' },
      schema: { type: 'string' },
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(HELP)
    return
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, received ${values.port}`)
  let storage: Storage | undefined
  let end = async () => {}
  const url = values.postgres ?? process.env.DATABASE_URL
  if (url) {
    const { default: pg } = await import('pg')
    const { postgresStorage } = await import('./storage/postgres')
    const pool = new pg.Pool({ connectionString: url })
    storage = await postgresStorage(pool, values.schema ? { schema: values.schema } : {})
    end = async () => {
      await storage?.close()
      await pool.end()
    }
  }
  const running = await serve({
    port,
    hostname: values.host,
    db: values.db,
    ...(storage ? { storage } : {}),
  })
  console.log(`strata-server listening on ${running.url} (${running.storage.kind})`)
  const stop = async () => {
    await running.close()
    await end()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error) => {
  console.error('[strata] strata-server failed to start:', error)
  process.exit(1)
})
