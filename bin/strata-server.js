#!/usr/bin/env node
// The `strata-server` command (`strata-server --db ./events.db --port 8787`). Installed, it runs
// the built dist/server-cli.js; in this repository, src/server/cli.ts via tsx.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { withPeers } from './peers.js'

const source = new URL('../src/server/cli.ts', import.meta.url)
const dev = existsSync(source)
if (dev) {
  const tsx = await import('tsx/esm/api')
  tsx.register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) })
}
await withPeers(
  'strata-server',
  () => import((dev ? source : new URL('../dist/server-cli.js', import.meta.url)).href),
)
