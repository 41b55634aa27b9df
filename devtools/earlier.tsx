import type { InspectClient, Meta } from '@strata/state/inspect'
import { formatCount } from './format'

/**
 * Rows below `meta.start` (history not in memory: the store's window begins later) exist in the
 * lanes and on the slider; the panel pages them in (`loadEarlier`) when they come on screen.
 */
export function earlierRow(i: number, meta: Meta) {
  return {
    className: 'sd-earlier',
    label: `Event ${i}, earlier history, ${meta.loadingEarlier ? 'loading' : 'not loaded'}`,
    content: (
      <>
        <span className="sd-idx">{i}</span>
        <span className="sd-preview">{meta.loadingEarlier ? 'loading…' : 'earlier history'}</span>
      </>
    ),
  }
}

/** At most this many events per request: the next comes when this one is in (meta changes). */
const STEP = 50_000

/** Rows from `from` on screen: page in what is missing down to there (and a screen more). */
export function loadUpTo(client: InspectClient, meta: Meta, from: number): void {
  if (from >= meta.start || meta.loadingEarlier) return
  const count = Math.min(STEP, meta.start - from + 100)
  void client.request({ type: 'loadEarlier', count }).catch(() => {})
}

/** The lane head's note: how much of the history is not in memory. */
export function earlierNote(meta: Meta): string | undefined {
  if (meta.start === 0) return undefined
  return `${formatCount(meta.start)} earlier${meta.loadingEarlier ? ', loading…' : ' not loaded'}`
}
