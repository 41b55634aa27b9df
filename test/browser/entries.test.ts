import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/chromium'
import { browserEntries, type ImportMapSite, serveBuiltEntries } from './importMap'

// The built entries loaded in Chromium straight from an import map, as from a CDN: no bundler
// defines `process` (or `import.meta.env`), so a bare `process.env.NODE_ENV` would throw. Each
// entry is imported and used where it runs its development checks.
const page = `<!doctype html>
<script type="importmap">%IMPORT_MAP%</script>
<div id="app"></div>
<script type="module">
const results = {}
async function run(name, body) {
  try { results[name] = await body() } catch (error) { results[name] = 'threw ' + (error?.stack ?? error) }
}
const { createElement: h } = await import('react')
const { createRoot } = await import('react-dom/client')
const { createStore } = await import('@strata/state')
// A Redux-style reducer: after two new states the core checks it in development.
const counter = () => createStore({
  initialState: { n: 0, at: new Date(0) },
  reducer: (state, event) => (event.type === 'add' ? { ...state, n: state.n + 1 } : state),
})

await run('@strata/state', () => {
  const store = counter()
  for (let i = 0; i < 3; i++) store.dispatch({ type: 'add' })
  store.history.jumpTo(1)
  return store.getState().n
})
await run('@strata/state/zustand', async () => {
  const { createStore: create } = await import('zustand/vanilla')
  const { timeTravel } = await import('@strata/state/zustand')
  const bears = create(timeTravel((set) => ({ n: 0, add: () => set((s) => ({ n: s.n + 1 }), false, 'add') })))
  bears.getState().add()
  bears.getState().add()
  bears.strata.history.jumpTo(1)
  return bears.getState().n
})
await run('@strata/state/react', async () => {
  const { createStoreHooks } = await import('@strata/state/react')
  const store = counter()
  const { useStoreState } = createStoreHooks(store)
  const el = document.createElement('div')
  document.body.append(el)
  createRoot(el).render(h(() => h('output', null, 'n=' + useStoreState((s) => s.n))))
  store.dispatch({ type: 'add' })
  await new Promise((r) => setTimeout(r, 50))
  return el.textContent
})
await run('@strata/state/sync', async () => {
  const { connectSync } = await import('@strata/state/sync')
  const store = createStore({ initialState: {}, reducer: () => {} })
  const sync = connectSync(store, { url: location.origin + '/api', persist: false, live: 'off' })
  // Fields beside type and payload are not sent: the codec warns in development.
  store.dispatch({ type: 'noted', text: 'not sent' })
  await new Promise((r) => setTimeout(r, 50))
  await sync.close()
  return typeof sync.clientId
})
await run('@strata/state/query', async () => {
  const { SyncProvider, useSyncQuery } = await import('@strata/state/query')
  return typeof SyncProvider + ' ' + typeof useSyncQuery
})
await run('@strata/state/inspect', async () => {
  const { inspect } = await import('@strata/state/inspect')
  const store = counter()
  store.dispatch({ type: 'add' })
  const inspection = inspect(store)
  const meta = await inspection.client.request({ type: 'meta' })
  inspection.close()
  return meta.length
})
await run('@strata/state/testing', async () => {
  const { exportSession, serializeSession, loadSession } = await import('@strata/state/testing')
  const store = counter()
  store.dispatch({ type: 'add' })
  const session = loadSession(serializeSession(exportSession(store)))
  return session.initialState.at instanceof Date
})
await run('@strata/state/devtools', async () => {
  const { StrataDevtools } = await import('@strata/state/devtools')
  const el = document.createElement('div')
  document.body.append(el)
  createRoot(el).render(h(StrataDevtools, { store: counter(), name: 'counter', initialIsOpen: true }))
  for (let i = 0; i < 100; i++) {
    const region = document.querySelector('strata-devtools')?.shadowRoot?.querySelector('section')
    if (region) return region.getAttribute('aria-label')
    await new Promise((r) => setTimeout(r, 20))
  }
  return 'no panel'
})
window.results = results
</script>`

let dir: string
let site: ImportMapSite
let browser: Browser

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-entries-'))
  site = await serveBuiltEntries(dir, { '/': page })
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await site?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('the built entries, loaded without a bundler', () => {
  it('import and run their development checks in Chromium', async () => {
    const tab = await browser.newPage()
    const errors: string[] = []
    const warnings: string[] = []
    tab.on('pageerror', (e) => errors.push(e.message))
    tab.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text())
      if (m.type() === 'error' && !m.text().includes('Failed to load resource')) {
        errors.push(m.text())
      }
    })
    await tab.goto(site.url)
    const results = await tab.waitForFunction(() => (window as { results?: unknown }).results, {
      timeout: 30_000,
    })
    const values = (await results.jsonValue()) as Record<string, unknown>
    expect(values).toEqual({
      '@strata/state': 1,
      '@strata/state/zustand': 1,
      '@strata/state/react': 'n=1',
      '@strata/state/sync': 'string',
      '@strata/state/query': 'function function',
      '@strata/state/inspect': 1,
      '@strata/state/testing': true,
      '@strata/state/devtools': 'Strata devtools for counter',
    })
    expect(Object.keys(values).sort()).toEqual(Object.keys(browserEntries).sort())
    // Development, as nothing said production: the checks ran and warned.
    expect(warnings.some((w) => w.includes('has fields other than type and payload'))).toBe(true)
    expect(errors).toEqual([])
  }, 60_000)
})
