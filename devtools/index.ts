// @strata/state/devtools: the in-page panel, the panel for a window of its own, and the Redux
// DevTools extension bridge. All of them read the store through @strata/state/inspect.

import { StrataDevtools } from './StrataDevtools'

export {
  broadcastTransport,
  connectReduxDevtools,
  createInspectClient,
  createInspectHost,
  type InspectClient,
  type InspectHost,
  type ReduxDevtoolsBridge,
  type ReduxDevtoolsOptions,
  restoreStore,
  type Session,
  type SyncInspectable,
} from '@strata/state/inspect'
export { devtoolsCss } from './css'
export { StrataDevtools, type StrataDevtoolsProps } from './StrataDevtools'
export { StrataDevtoolsPanel, type StrataDevtoolsPanelProps } from './StrataDevtoolsPanel'
export default StrataDevtools
