import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build as buildPackage } from 'tsdown'
import { build as bundle, type Plugin } from 'vite'
import packageConfig from '../../tsdown.config'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const require = createRequire(repo)

/** The package's entries a browser page may import, by public name. */
export const browserEntries = {
  '@strata/state': 'index.js',
  '@strata/state/react': 'react.js',
  '@strata/state/zustand': 'zustand.js',
  '@strata/state/sync': 'sync.js',
  '@strata/state/query': 'query.js',
  '@strata/state/inspect': 'inspect.js',
  '@strata/state/testing': 'testing.js',
  '@strata/state/devtools': 'devtools.js',
}

// What the entries import by bare name, and what a page of the test imports besides. A CDN such
// as esm.sh would serve each as an ES module; here each is bundled once into /vendor.
const vendored = [
  'react',
  'react/jsx-runtime',
  'react-dom',
  'react-dom/client',
  'immer',
  'zustand',
  'zustand/vanilla',
  'idb',
  'eventsource-parser',
  'superjson',
  'jsondiffpatch',
  '@tanstack/react-virtual',
  '@tanstack/react-query',
]
// React ships CommonJS only: its entries name their exports for an ES module to re-export.
const commonJs = new Set(['react', 'react/jsx-runtime', 'react-dom', 'react-dom/client'])

const fileName = (specifier: string) => `${specifier.replace(/[@/]/g, '_')}.js`

/** Virtual modules `vendor:<specifier>` that re-export one package as an ES module. */
function vendorEntries(): Plugin {
  return {
    name: 'vendor-entries',
    resolveId: (id) => (id.startsWith('vendor:') ? `\0${id}` : undefined),
    load(id) {
      if (!id.startsWith('\0vendor:')) return undefined
      const specifier = id.slice('\0vendor:'.length)
      if (!commonJs.has(specifier)) return `export * from '${specifier}'`
      const names = Object.keys(require(specifier)).filter((n) => n !== 'default')
      return `import * as m from '${specifier}'\nexport const { ${names.join(', ')} } = m\nexport default m`
    },
  }
}

export interface ImportMapSite {
  url: string
  importMap: { imports: Record<string, string> }
  close(): Promise<void>
}

/**
 * Builds the package (as `npm run build` does, without types) and serves it unbundled with its
 * dependencies, so a page loads the built entries through an import map: no bundler defines
 * `process` or `import.meta.env` for them, as when a library is loaded from a CDN.
 */
export async function serveBuiltEntries(dir: string, pages: Record<string, string>) {
  const dist = join(dir, 'dist')
  await buildPackage({
    ...packageConfig,
    config: false,
    outDir: dist,
    dts: false,
    sourcemap: false,
    logLevel: 'error',
  })
  await bundle({
    configFile: false,
    logLevel: 'error',
    root: repo,
    mode: 'development',
    plugins: [vendorEntries()],
    // React's own development build: what a CDN's ?dev build serves.
    define: { 'process.env.NODE_ENV': JSON.stringify('development') },
    build: {
      outDir: join(dir, 'vendor'),
      emptyOutDir: true,
      minify: false,
      rollupOptions: {
        input: Object.fromEntries(vendored.map((s) => [fileName(s).slice(0, -3), `vendor:${s}`])),
        preserveEntrySignatures: 'strict',
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunk-[hash].js' },
      },
    },
  })
  const imports: Record<string, string> = {}
  for (const [name, file] of Object.entries(browserEntries)) imports[name] = `/dist/${file}`
  for (const specifier of vendored) imports[specifier] = `/vendor/${fileName(specifier)}`
  const importMap = { imports }

  const server: Server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url!, 'http://x').pathname))
    const page = pages[path]
    if (page !== undefined) {
      response.writeHead(200, { 'content-type': 'text/html' })
      response.end(page.replace('%IMPORT_MAP%', JSON.stringify(importMap)))
      return
    }
    readFile(join(dir, path))
      .then((body) => {
        const type = extname(path) === '.js' ? 'text/javascript' : 'application/octet-stream'
        response.writeHead(200, { 'content-type': type })
        response.end(body)
      })
      .catch(() => {
        response.writeHead(404)
        response.end()
      })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    importMap,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } satisfies ImportMapSite
}
