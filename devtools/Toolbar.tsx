import type { Meta } from '@strata/state/inspect'
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

/** Title, session export and import, theme, dock side and close. */
export function Toolbar({ meta, theme, onTheme, dock, onDock, onClose }: Props) {
  return (
    <div className="sd-toolbar">
      <span className="sd-title">
        <Logo /> Strata devtools
        {meta.name !== 'default' && <span className="sd-muted">· {meta.name}</span>}
      </span>
      {meta.locked && <span className="sd-badge sd-warn">locked</span>}
      <span className="sd-spacer" />
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
