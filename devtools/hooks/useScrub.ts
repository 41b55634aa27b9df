import type { InspectClient } from '@strata/state/inspect'
import { useCallback, useRef, useState } from 'react'

/**
 * Moves the store as a slider moves. One jump is in flight at a time and only the newest
 * position waits behind it, so dragging over a million states never queues stale jumps, and the
 * app re-renders each state it can keep up with.
 */
export function useScrub(client: InspectClient) {
  const [shown, setShown] = useState<number | undefined>()
  const pending = useRef<number | undefined>(undefined)
  const busy = useRef(false)

  const pump = useCallback(() => {
    const target = pending.current
    if (target === undefined) {
      busy.current = false
      setShown(undefined)
      return
    }
    busy.current = true
    pending.current = undefined
    client.request({ type: 'jumpTo', index: target }).finally(pump)
  }, [client])

  const scrub = useCallback(
    (index: number) => {
      setShown(index)
      pending.current = index
      if (!busy.current) pump()
    },
    [pump],
  )
  return { shown, scrub }
}
