import type { InspectClient } from '@strata/state/inspect'
import { createContext, useContext } from 'react'

export interface PanelContext {
  client: InspectClient
  /** A short message in the corner of the panel. */
  notify(message: string, kind?: 'info' | 'error'): void
}

export const Panel = createContext<PanelContext | null>(null)

export function usePanel(): PanelContext {
  const ctx = useContext(Panel)
  if (!ctx)
    throw new Error('[strata] devtools parts must be rendered inside <StrataDevtoolsPanel>.')
  return ctx
}

/** Copies text and says so; the clipboard can be missing (insecure origin) or refused. */
export async function copy(text: string, notify: PanelContext['notify'], what: string) {
  try {
    await navigator.clipboard.writeText(text)
    notify(`Copied ${what}`)
  } catch {
    notify(`Could not copy ${what}: the clipboard is not available here`, 'error')
  }
}
