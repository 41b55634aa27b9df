#!/usr/bin/env node
// The `strata` command (`strata replay <file> --config <module>`). Installed, it runs the built
// dist/cli.js; in this repository, where the sources sit beside it, src/testing/cli.ts via tsx.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { withPeers } from './peers.js'

const source = new URL('../src/testing/cli.ts', import.meta.url)
const built = new URL('../dist/cli.js', import.meta.url)
const dev = existsSync(source)

// tsx, when installed, runs the sources and lets --config name a TypeScript module.
const tsx = await import('tsx/esm/api').catch(() => undefined)
if (tsx) {
  const tsconfig = dev ? fileURLToPath(new URL('../tsconfig.json', import.meta.url)) : undefined
  tsx.register(tsconfig ? { tsconfig } : {})
} else if (dev) {
  console.error('[strata] Running the CLI from the sources needs tsx: npm install -D tsx.')
  process.exit(2)
}

process.exitCode = await withPeers('strata', async () => {
  const { main } = await import((dev ? source : built).href)
  return main(process.argv.slice(2))
})
