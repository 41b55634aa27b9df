import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Node running `withPeers` of bin/peers.js around `load`, as the bins do. */
function run(load: string) {
  const script = `import('./bin/peers.js').then((m) => m.withPeers('strata-server', () => ${load}))`
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  })
  return { code: result.status, stderr: result.stderr }
}

describe("the bins' missing-peer message", () => {
  it.each([
    ['an ES module', "import('@hono/not-installed/serve')", '@hono/not-installed'],
    [
      'a CommonJS require',
      "Promise.resolve().then(() => { const e = new Error(\"Cannot find module 'better-sqlite3'\"); e.code = 'MODULE_NOT_FOUND'; throw e })",
      'better-sqlite3',
    ],
  ])('names the package to install, for %s', (_, load, pkg) => {
    const { code, stderr } = run(load)
    expect(code).toBe(2)
    expect(stderr.trim()).toBe(
      `[strata] strata-server needs ${pkg}, an optional peer of @strata/state that is not installed. Install it: npm install ${pkg}`,
    )
  })

  it('lets any other error through', () => {
    const { code, stderr } = run("import('./no-such-file.js')")
    expect(code).not.toBe(2)
    expect(stderr).toContain('no-such-file.js')
  })
})
