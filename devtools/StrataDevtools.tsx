import type { Store } from '@strata/state'
import { isDevelopment, type Session, type SyncInspectable } from '@strata/state/inspect'
import { InPageDevtools } from './InPageDevtools'
import type { Corner } from './Shell'
import type { Dock } from './Toolbar'

export interface StrataDevtoolsProps {
  store: Store<any, any, any>
  /** The sync client (`connectSync(...)`), for the Sync tab. */
  sync?: SyncInspectable
  /**
   * For apps that swap stores on import: gets the imported session instead of the store (e.g.
   * `(s) => setStore(restoreStore(s, { reducer }))`). Without it, Import loads the session into
   * `store` itself (`store.history.load`), unless `sync` is given: a synced store is not replaced.
   */
  load?: (session: Session) => void
  /** Named selectors the Bisect tab can search by. Read once, when the panel mounts. */
  selectors?: Record<string, (state: any) => unknown>
  /** Names the store in the panel, in exported files and on a shared channel. */
  name?: string
  /** Open at first (later, the last choice is remembered). Default false. */
  initialIsOpen?: boolean
  /** Where the panel docks. Default 'bottom'. */
  position?: Dock
  buttonPosition?: Corner
  /**
   * Draw the open panel over the page. By default the page makes room for it (padding on
   * <body>, and `--strata-devtools-bottom`/`-right` on <html>), so nothing under it is out of reach.
   */
  overlay?: boolean
  /** Default 'system': dark when the OS prefers it. */
  theme?: 'light' | 'dark' | 'system'
  /** Render even when NODE_ENV is 'production'. */
  forceEnable?: boolean
}

/**
 * The in-page devtools: a small button that opens a docked panel over the app. Renders nothing
 * in production (NODE_ENV, as a bundler or Node sets it), unless `forceEnable`.
 */
export function StrataDevtools(props: StrataDevtoolsProps) {
  if (!isDevelopment() && !props.forceEnable) return null
  return <InPageDevtools {...props} />
}
