import { fileURLToPath } from 'node:url'

const repo = (path: string) => fileURLToPath(new URL(`./${path}`, import.meta.url))

/**
 * Points the package's public names at its sources, so tests, examples and benchmarks import
 * `@strata/state/...` as a user would while running this repository's code. One list for
 * Vitest and every Vite config.
 */
export const sourceAliases = [
  { find: /^@strata\/state$/, replacement: repo('src/index.ts') },
  { find: /^@strata\/state\/devtools$/, replacement: repo('devtools/index.ts') },
  { find: /^@strata\/state\/(.+)$/, replacement: repo('src/$1/index.ts') },
]
