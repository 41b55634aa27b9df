import type { Store } from '@strata/state'
import {
  type InspectClient,
  type InspectHostOptions,
  inspect,
  type Meta,
} from '@strata/state/inspect'
import { type ReactNode, useEffect, useMemo } from 'react'
import { Panel } from '../devtools/context'
import { devtoolsCss } from '../devtools/css'
import { useMeta } from '../devtools/hooks/useClient'
import { ShadowRoot } from '../devtools/ShadowRoot'

interface Props {
  store: Store<any, any, any>
  options?: Omit<InspectHostOptions, 'transport'>
  theme?: 'light' | 'dark'
  height?: number
  children: (client: InspectClient, meta: Meta) => ReactNode
}

/** One part of the panel, alone: its own host, the panel's context, theme and shadow root. */
export function Part({ store, options, theme = 'light', height = 420, children }: Props) {
  const inspection = useMemo(() => inspect(store, options), [store, options])
  useEffect(() => () => inspection.close(), [inspection])
  const notify = (text: string) => console.info('[devtools]', text)
  return (
    <ShadowRoot css={devtoolsCss}>
      <Panel.Provider value={{ client: inspection.client, notify }}>
        <div
          className="sd-root sd-panel"
          data-theme={theme}
          style={{ height, border: '1px solid #d0d5dd' }}
        >
          <WithMeta client={inspection.client}>{children}</WithMeta>
        </div>
      </Panel.Provider>
    </ShadowRoot>
  )
}

function WithMeta({ client, children }: { client: InspectClient; children: Props['children'] }) {
  const meta = useMeta(client)
  return meta ? children(client, meta) : null
}
