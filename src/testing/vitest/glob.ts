import { type Dirent, readdirSync, statSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'

/**
 * Files matching a glob, relative to `cwd`, sorted. Supports `*` and `?` within a path segment
 * and `**` for any number of directories (not entering `node_modules` or dot-directories): the
 * small part of globbing session lists need, as Node 20 has no `fs.glob`.
 */
export function globFiles(pattern: string, cwd: string): string[] {
  const root = isAbsolute(pattern) ? '/' : cwd
  const segments = pattern.split(/[\\/]/).filter((s) => s !== '' && s !== '.')
  const out = new Set<string>()
  walk(root, isAbsolute(pattern) ? '/' : '', segments, out)
  return [...out].sort()
}

function walk(dir: string, rel: string, segments: string[], out: Set<string>): void {
  const [segment, ...rest] = segments
  if (segment === undefined) return
  if (segment === '**') {
    walk(dir, rel, rest, out)
    for (const entry of list(dir)) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') {
        continue
      }
      walk(join(dir, entry.name), join(rel, entry.name), segments, out)
    }
    return
  }
  if (!/[*?]/.test(segment)) {
    const path = join(dir, segment)
    const kind = statKind(path)
    if (rest.length === 0 && kind === 'file') out.add(join(rel, segment))
    if (rest.length > 0 && kind === 'dir') walk(path, join(rel, segment), rest, out)
    return
  }
  const re = segmentRegExp(segment)
  for (const entry of list(dir)) {
    if (!re.test(entry.name)) continue
    const kind = entry.isDirectory() ? 'dir' : statKind(join(dir, entry.name))
    if (rest.length === 0 && kind === 'file') out.add(join(rel, entry.name))
    if (rest.length > 0 && kind === 'dir')
      walk(join(dir, entry.name), join(rel, entry.name), rest, out)
  }
}

function segmentRegExp(segment: string): RegExp {
  const body = segment
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
  return new RegExp(`^(?!\\.)${body}$`)
}

function list(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
  } catch {
    return []
  }
}

function statKind(path: string): 'file' | 'dir' | undefined {
  try {
    const stat = statSync(path)
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'dir' : undefined
  } catch {
    return undefined
  }
}
