import { defineConfig } from 'vitest/config'
import { sourceAliases } from './aliases.ts'

// Tests import the package by its public name. It points at the sources, or, with TEST_DIST=1,
// at the built package (run `npm run build` first), as redux's TEST_DIST does.
const alias = process.env.TEST_DIST ? [] : sourceAliases

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'] },
  },
})
