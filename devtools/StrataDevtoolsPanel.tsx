import type { InspectClient } from '@strata/state/inspect'
import { devtoolsCss } from './css'
import { PanelFrame } from './PanelFrame'
import { ShadowRoot } from './ShadowRoot'
import type { Theme } from './Toolbar'

export interface StrataDevtoolsPanelProps {
  /** A client of the store's inspect host, e.g. over `broadcastTransport()` from the app's page. */
  client: InspectClient
  theme?: Theme
  /** Height of the panel. Default '100vh' (a window of its own). */
  height?: string | number
}

/**
 * The panel without the floating shell, filling its container: for a devtools window of its
 * own, fed over a BroadcastChannel by `createInspectHost(store, { transport })` in the app.
 */
export function StrataDevtoolsPanel({ client, theme, height = '100vh' }: StrataDevtoolsPanelProps) {
  return (
    <ShadowRoot css={devtoolsCss}>
      <PanelFrame client={client} {...(theme ? { theme } : {})} style={{ height }} />
    </ShadowRoot>
  )
}
