import { defineConfig } from 'tsdown'

// One entry per public entry point. Entries import each other by the package name and keep it
// external, so an app that uses several entries ships one copy of the core (as zustand does).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    react: 'src/react/index.ts',
    zustand: 'src/zustand/index.ts',
    sync: 'src/sync/index.ts',
    query: 'src/query/index.ts',
    server: 'src/server/index.ts',
    'server-cli': 'src/server/cli.ts',
    msw: 'src/msw/index.ts',
    testing: 'src/testing/index.ts',
    'testing-vitest': 'src/testing/vitest/index.ts',
    cli: 'src/testing/cli.ts',
    inspect: 'src/inspect/index.ts',
    devtools: 'devtools/index.ts',
  },
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  clean: true,
  sourcemap: true,
  deps: {
    neverBundle: [
      /^@strata\/state/,
      /^node:/,
      /^react(-dom)?(\/.*)?$/,
      /^zustand(\/.*)?$/,
      /^@tanstack\//,
      /^@hono\//,
      'immer',
      'idb',
      'hono',
      'better-sqlite3',
      'pg',
      'msw',
      'superjson',
      /^eventsource-parser(\/.*)?$/,
      'tinyglobby',
      'jsondiffpatch',
      'jose',
      'vitest',
    ],
  },
})
