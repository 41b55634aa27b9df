import type { Meta } from '@strata/state/inspect'
import { usePanel } from './context'
import { Icon, Logo } from './Icon'
import { SessionButtons } from './SessionButtons'

export type Dock = 'bottom' | 'right'
export type Theme = 'light' | 'dark'

interface Props {
  meta: Meta
  theme: Theme
  onTheme(theme: Theme): void
  dock?: Dock | undefined
  onDock?: ((dock: Dock) => void) | undefined
  onClose?: (() => void) | undefined
}

/** Title, lock, session export and import, theme, dock side and close. */
export function Toolbar({ meta, theme, onTheme, dock, onDock, onClose }: Props) {
  const { client, notify } = usePanel()
  const lock = async () => {
    try {
      await client.request({ type: 'lock', locked: !meta.locked })
    } catch (error) {
      notify((error as Error).message, 'error')
    }
  }
  return (
    <div className="sd-toolbar">
      <span className="sd-title">
        <Logo /> Strata devtools
        {meta.name !== 'default' && <span className="sd-muted">· {meta.name}</span>}
      </span>
      {meta.locked && (
        <span
          className="sd-badge sd-warn"
          title="The store is locked: the app's dispatches record nothing"
        >
          locked
        </span>
      )}
      <span className="sd-spacer" />
      <button
        type="button"
        className="sd-btn"
        aria-pressed={meta.locked}
        onClick={lock}
        title={
          meta.locked
            ? 'Unlock: the app records its dispatches again'
            : 'Lock the store: dispatches record nothing and return an error'
        }
      >
        <Icon name="lock" /> Lock
      </button>
      <SessionButtons canImport={meta.features.import} />
      <button
        type="button"
        className="sd-btn sd-icon-btn"
        aria-label={`Use the ${theme === 'dark' ? 'light' : 'dark'} theme`}
        title="Light / dark theme"
        onClick={() => onTheme(theme === 'dark' ? 'light' : 'dark')}
      >
        <Icon name="sun" />
      </button>
      {dock && onDock && (
        <button
          type="button"
          className="sd-btn sd-icon-btn"
          aria-label={`Dock to the ${dock === 'bottom' ? 'right' : 'bottom'}`}
          title="Dock bottom / right"
          onClick={() => onDock(dock === 'bottom' ? 'right' : 'bottom')}
        >
          <Icon name={dock === 'bottom' ? 'dockRight' : 'dockBottom'} />
        </button>
      )}
      {onClose && (
        <button
          type="button"
          className="sd-btn sd-icon-btn"
          aria-label="Close the devtools (Esc)"
          title="Close (Esc)"
          onClick={onClose}
        >
          <Icon name="close" />
        </button>
      )}
    </div>
  )
}
