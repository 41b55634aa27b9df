import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

// Tests import the package by its public name. It points at the sources, or, with TEST_DIST=1,
// at the built package (run `npm run build` first), as redux's TEST_DIST does.
const alias = process.env.TEST_DIST
  ? []
  : [
      { find: /^@strata\/state$/, replacement: src('index.ts') },
      {
        find: /^@strata\/state\/devtools$/,
        replacement: fileURLToPath(new URL('./devtools/index.ts', import.meta.url)),
      },
      { find: /^@strata\/state\/(.+)$/, replacement: src('$1/index.ts') },
    ]

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'] },
  },
})
