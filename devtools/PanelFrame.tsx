import type { InspectClient } from '@strata/state/inspect'
import { type CSSProperties, useMemo, useState } from 'react'
import { Panel, type PanelContext } from './context'
import { useMeta } from './hooks/useClient'
import { PanelBody } from './PanelBody'
import type { Dock, Theme } from './Toolbar'

export interface PanelFrameProps {
  /** A client of the store's inspect host: in-page (`inspect(store)`) or over a BroadcastChannel. */
  client: InspectClient
  theme?: Theme
  onTheme?(theme: Theme): void
  dock?: Dock
  onDock?(dock: Dock): void
  onClose?(): void
  style?: CSSProperties
}

/** The panel with its theme root, toasts and context, inside whatever shell holds it. */
export function PanelFrame(props: PanelFrameProps) {
  const { client } = props
  const meta = useMeta(client)
  const [ownTheme, setOwnTheme] = useState<Theme>('light')
  const theme = props.theme ?? ownTheme
  const [toast, setToast] = useState<{ text: string; kind: string; n: number } | undefined>()
  const context = useMemo<PanelContext>(
    () => ({
      client,
      notify(text, kind = 'info') {
        const n = Date.now()
        setToast({ text, kind, n })
        setTimeout(
          () => setToast((t) => (t?.n === n ? undefined : t)),
          kind === 'error' ? 6000 : 2500,
        )
      },
    }),
    [client],
  )
  return (
    <Panel.Provider value={context}>
      <div className="sd-root sd-panel" data-theme={theme} style={props.style}>
        {meta ? (
          <PanelBody {...props} theme={theme} onTheme={props.onTheme ?? setOwnTheme} meta={meta} />
        ) : (
          <div className="sd-empty">Connecting to the store…</div>
        )}
        {toast && (
          <div className={`sd-toast${toast.kind === 'error' ? ' sd-error' : ''}`} role="status">
            {toast.text}
          </div>
        )}
      </div>
    </Panel.Provider>
  )
}
