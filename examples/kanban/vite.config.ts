import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { sourceAliases } from '../../aliases.ts'

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url))

// Where the API server (server.ts) listens; start.ts sets it when it picks the port.
const api = process.env.KANBAN_API_URL ?? 'http://127.0.0.1:8787'

// The app imports the package by its public names, pointed at the sources as in the tests.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  // Its own dependency cache, so this app and examples/counter never re-bundle each other's.
  cacheDir: repo('node_modules/.vite/kanban'),
  resolve: {
    alias: sourceAliases,
  },
  // Bundled up front, so opening the lazy devtools never makes Vite re-optimize and reload.
  optimizeDeps: {
    include: [
      'react',
      'react-dom/client',
      '@tanstack/react-query',
      '@tanstack/react-virtual',
      'idb',
      'immer',
      'jsondiffpatch',
      'zustand',
    ],
  },
  // The event server answers under /api: sync, long polls, SSE pokes and read models.
  server: { proxy: { '/api': { target: api, changeOrigin: true } } },
})
