import { useState } from 'react'

/**
 * How many events joined the log since the board stopped showing the live state: other
 * windows' changes, which a person looking back would otherwise not know about.
 */
export function useArrivedWhileAway(isLive: boolean, length: number): number {
  const [since, setSince] = useState<number | undefined>(isLive ? undefined : length)
  // Adjusted while rendering (React's pattern for state derived from props): no extra frame.
  if (isLive && since !== undefined) setSince(undefined)
  if (!isLive && since === undefined) setSince(length)
  return since === undefined ? 0 : Math.max(0, length - since)
}
