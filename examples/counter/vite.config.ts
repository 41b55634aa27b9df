import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url))

// The app imports the package by its public name, pointed at the sources as in the tests.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^@strata\/state$/, replacement: src('index.ts') },
      { find: /^@strata\/state\/(.+)$/, replacement: src('$1/index.ts') },
    ],
  },
})
