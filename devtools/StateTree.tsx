import type { Path } from '@strata/state/inspect'
import { useMemo, useState } from 'react'
import { childrenOf } from './format'
import { type TreeActions, TreeNode } from './TreeNode'
import { pathKey, searchTree } from './treeSearch'

interface Props extends TreeActions {
  value: unknown
  label: string
  /** The watched path, highlighted. */
  watch?: Path | undefined
  /** Show the search box. Default true. */
  searchable?: boolean
}

/** Keys of the first levels, open at first. */
function firstLevels(value: unknown, depth: number): Set<string> {
  const open = new Set<string>()
  const walk = (v: unknown, path: (string | number)[], d: number) => {
    const kids = childrenOf(v)
    if (!kids || d >= depth || kids.length > 50) return
    open.add(pathKey(path))
    for (const [k, c] of kids) walk(c, [...path, k], d + 1)
  }
  walk(value, [], 0)
  return open
}

/** A collapsible tree of a value, with search, copy of a path or value, watch and bisect. */
export function StateTree({ value, label, watch, searchable = true, onWatch, onBisect }: Props) {
  const [toggled, setToggled] = useState<Map<string, boolean>>(new Map())
  const [query, setQuery] = useState('')
  const found = useMemo(() => searchTree(value, query), [value, query])
  const initial = useMemo(() => firstLevels(value, 3), [value])
  const expanded = useMemo(() => {
    const open = new Set(initial)
    for (const [k, isOpen] of toggled) {
      if (isOpen) open.add(k)
      else open.delete(k)
    }
    for (const k of found.open) open.add(k)
    return open
  }, [initial, found, toggled])
  const toggle = (key: string) => setToggled(new Map(toggled).set(key, !expanded.has(key)))
  const expandAll = (open: boolean) => {
    const next = new Map<string, boolean>()
    const walk = (v: unknown, path: (string | number)[], d: number) => {
      const kids = childrenOf(v)
      if (!kids || d > 6) return
      next.set(pathKey(path), open)
      for (const [k, c] of kids.slice(0, 200)) walk(c, [...path, k], d + 1)
    }
    walk(value, [], 0)
    setToggled(next)
  }
  return (
    <div>
      {searchable && (
        <div className="sd-tree-bar">
          <input
            className="sd-input"
            type="search"
            placeholder="Search keys and values"
            aria-label={`Search ${label}`}
            value={query}
            onChange={(e) => {
              // A new search opens what it finds, whatever was folded before.
              setToggled(new Map())
              setQuery(e.target.value)
            }}
          />
          {query && (
            <span className="sd-muted">
              {found.matches.size}
              {found.truncated ? '+' : ''} found
            </span>
          )}
          <button type="button" className="sd-mini" onClick={() => expandAll(true)}>
            expand
          </button>
          <button type="button" className="sd-mini" onClick={() => expandAll(false)}>
            collapse
          </button>
        </div>
      )}
      <div className="sd-tree">
        {/* biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the ARIA tree pattern */}
        <ul role="tree" aria-label={label}>
          <TreeNode
            name={undefined}
            value={value}
            path={[]}
            expanded={expanded}
            toggle={toggle}
            matches={found.matches}
            watched={watch ? pathKey(watch) : undefined}
            {...(onWatch ? { onWatch } : {})}
            {...(onBisect ? { onBisect } : {})}
          />
        </ul>
      </div>
    </div>
  )
}
