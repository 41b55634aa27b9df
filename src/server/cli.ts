#!/usr/bin/env node
import { HELP, parseCli } from './cliOptions'
import { serve } from './node'
import type { Storage } from './types'

async function main() {
  if (process.argv[2] === 'forget') {
    const { forgetCommand } = await import('./cliForget')
    console.log(await forgetCommand(process.argv.slice(3), process.env))
    return
  }
  if (process.argv[2] === 'projections') {
    const { projectionsCommand } = await import('./cliProjections')
    console.log(await projectionsCommand(process.argv.slice(3), process.env))
    return
  }
  const choice = parseCli(process.argv.slice(2), process.env)
  if (choice.help) {
    console.log(HELP)
    return
  }
  let storage: Storage | undefined
  let end = async () => {}
  if (choice.postgres) {
    const { default: pg } = await import('pg')
    const { postgresStorage } = await import('./storage/postgres')
    const pool = new pg.Pool({ connectionString: choice.postgres })
    storage = await postgresStorage(pool, choice.schema ? { schema: choice.schema } : {})
    end = async () => {
      await storage?.close()
      await pool.end()
    }
  }
  const running = await serve({ ...choice.serve, ...(storage ? { storage } : {}) })
  console.log(`strata-server listening on ${running.url} (${running.storage.kind}, ${choice.auth})`)
  const stop = async () => {
    await running.close()
    await end()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error) => {
  console.error(
    '[strata] strata-server failed to start:',
    error instanceof Error ? error.message : error,
  )
  process.exit(1)
})
