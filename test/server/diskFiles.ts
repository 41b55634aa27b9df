import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Every file under `path`, as one buffer per file (what someone with the disk could read). */
export function filesUnder(path: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  const walk = (p: string) => {
    const stat = statSync(p, { throwIfNoEntry: false })
    if (!stat) return
    if (stat.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name))
    else if (stat.isFile()) out.set(p, readFileSync(p))
  }
  walk(path)
  return out
}

/** The names of the files holding `value`'s bytes. */
export const holding = (files: Map<string, Buffer>, value: string | Buffer) => {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value
  return [...files].filter(([, content]) => content.includes(bytes)).map(([name]) => name)
}
