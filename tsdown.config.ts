import { defineConfig } from 'tsdown'

// One entry per public entry point. Entries import the core by the package name and keep it
// external, so an app that uses several entries ships one copy of the core (as zustand does).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    react: 'src/react/index.ts',
    zustand: 'src/zustand/index.ts',
  },
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  clean: true,
  sourcemap: true,
  deps: {
    neverBundle: [/^@strata\/state/, 'immer', 'react', 'react-dom', 'zustand', /^zustand\//],
  },
})
