import type { Meta } from '@strata/state/inspect'
import { useState } from 'react'

/** How many events joined the log since the store stopped showing its live state. */
export function useArrivedWhileAway(meta: Pick<Meta, 'isLive' | 'length'>): number {
  const { isLive, length } = meta
  const [since, setSince] = useState<number | undefined>(isLive ? undefined : length)
  // Adjusted while rendering (React's pattern for state derived from props): no extra frame.
  if (isLive && since !== undefined) setSince(undefined)
  if (!isLive && since === undefined) setSince(length)
  return since === undefined ? 0 : Math.max(0, length - since)
}
