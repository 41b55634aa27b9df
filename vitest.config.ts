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
    // The suite runs on two cores, often beside benchmarks and other suites: at a load of 15-20
    // jsdom tests of the demo took 5-7 s (the default 5 s timed them out). A wrong answer still
    // fails on its assertion; only a hang waits this long.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'] },
  },
})
