import { formatPath, type Path } from '@strata/state/inspect'
import { useState } from 'react'
import { copy, usePanel } from './context'
import { childrenOf, summary, toJson } from './format'
import { Icon } from './Icon'
import { pathKey } from './treeSearch'

export interface TreeActions {
  /** Highlight the events that changed this path. */
  onWatch?(path: Path): void
  /** Find the event after which this path became what it is. */
  onBisect?(path: Path): void
}

interface Props extends TreeActions {
  name: string | number | undefined
  value: unknown
  path: Path
  expanded: ReadonlySet<string>
  toggle(key: string): void
  matches: ReadonlySet<string>
  watched: string | undefined
}

const CHILDREN_PAGE = 200

/** One node of the state tree, and its children when expanded. */
export function TreeNode(props: Props) {
  const { name, value, path, expanded, toggle, matches, watched } = props
  const { notify } = usePanel()
  const [limit, setLimit] = useState(CHILDREN_PAGE)
  const key = pathKey(path)
  const kids = childrenOf(value)
  const open = kids !== undefined && expanded.has(key)
  const { text, kind } = summary(value)
  const classes = ['sd-node', matches.has(key) && 'sd-match', watched === key && 'sd-watched']
  return (
    <li
      role="treeitem"
      tabIndex={-1}
      aria-expanded={kids ? open : undefined}
      aria-selected={watched === key}
      aria-label={name === undefined ? 'state' : String(name)}
    >
      <div className={classes.filter(Boolean).join(' ')}>
        {kids ? (
          <button
            type="button"
            className="sd-twisty"
            aria-expanded={open}
            aria-label={
              open ? `Collapse ${String(name ?? 'state')}` : `Expand ${String(name ?? 'state')}`
            }
            onClick={() => toggle(key)}
          >
            <Icon name="chevron" size={10} />
          </button>
        ) : (
          <span className="sd-twisty" />
        )}
        {name !== undefined && <span className="sd-key">{String(name)}:</span>}
        <span className={`sd-val-${kind}`}>{text}</span>
        <span className="sd-node-actions">
          <button
            type="button"
            className="sd-mini"
            title={`Copy the path ${formatPath(path)}`}
            aria-label={`Copy the path ${formatPath(path)}`}
            onClick={() => copy(formatPath(path), notify, 'path')}
          >
            path
          </button>
          <button
            type="button"
            className="sd-mini"
            title="Copy the value as JSON"
            aria-label={`Copy the value of ${formatPath(path)}`}
            onClick={() => copy(toJson(value), notify, 'value')}
          >
            value
          </button>
          {props.onWatch && (
            <button
              type="button"
              className="sd-mini"
              title="Highlight the events that changed this path"
              aria-label={`Watch ${formatPath(path)}`}
              onClick={() => props.onWatch!(path)}
            >
              watch
            </button>
          )}
          {props.onBisect && (
            <button
              type="button"
              className="sd-mini"
              title="Find the event after which it became this value"
              aria-label={`Bisect ${formatPath(path)}`}
              onClick={() => props.onBisect!(path)}
            >
              bisect
            </button>
          )}
        </span>
      </div>
      {open && (
        // biome-ignore lint/a11y/useSemanticElements: the ARIA tree pattern nests groups in lists
        <ul role="group">
          {kids.slice(0, limit).map(([k, v]) => (
            <TreeNode key={String(k)} {...props} name={k} value={v} path={[...path, k]} />
          ))}
          {kids.length > limit && (
            <li>
              <button
                type="button"
                className="sd-mini"
                onClick={() => setLimit(limit + CHILDREN_PAGE)}
              >
                Show {Math.min(CHILDREN_PAGE, kids.length - limit)} more of {kids.length - limit}
              </button>
            </li>
          )}
        </ul>
      )}
    </li>
  )
}
