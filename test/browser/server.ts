import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { createServer, type ViteDevServer } from 'vite'

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url))

/**
 * A Vite dev server for a fixture page, importing the package by its public names pointed at the
 * sources, as vitest.config.ts does (`@strata/state/devtools` lives in devtools/).
 */
export async function serveFixture(name: string): Promise<{ url: string; server: ViteDevServer }> {
  const server = await createServer({
    configFile: false,
    root: repo(`test/browser/fixtures/${name}`),
    logLevel: 'error',
    plugins: [react()],
    resolve: {
      alias: [
        { find: /^@strata\/state$/, replacement: repo('src/index.ts') },
        { find: /^@strata\/state\/devtools$/, replacement: repo('devtools/index.ts') },
        { find: /^@strata\/state\/(.+)$/, replacement: repo('src/$1/index.ts') },
      ],
    },
    // Bundle the dependencies before the page asks, so the page never reloads mid-test.
    optimizeDeps: {
      include: [
        'react',
        'react-dom',
        'react-dom/client',
        'react/jsx-dev-runtime',
        'immer',
        '@tanstack/react-virtual',
        'jsondiffpatch',
        'superjson',
      ],
    },
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  })
  await server.listen()
  const address = server.httpServer!.address()
  const port = typeof address === 'object' && address ? address.port : 5173
  return { url: `http://127.0.0.1:${port}/`, server }
}
