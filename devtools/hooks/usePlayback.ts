import type { InspectClient, Meta } from '@strata/state/inspect'
import { useEffect, useState } from 'react'

export const SPEEDS = [1, 2, 5, 10, 25, 60] as const

/** Replays the history forward from the cursor, `speed` states a second, stopping at the end. */
export function usePlayback(client: InspectClient, meta: Meta | undefined) {
  const [playing, setPlaying] = useState(false)
  const [speed, setSpeed] = useState<number>(5)
  const atEnd = meta === undefined || meta.cursor >= meta.length

  useEffect(() => {
    if (!playing) return
    if (atEnd) {
      setPlaying(false)
      return
    }
    const timer = setInterval(() => {
      client.request({ type: 'step', delta: 1 }).catch(() => setPlaying(false))
    }, 1000 / speed)
    return () => clearInterval(timer)
  }, [client, playing, speed, atEnd])

  const toggle = () => {
    if (playing) return setPlaying(false)
    // Playing from the live end would stop at once: start over from the first state.
    if (atEnd && meta && meta.length > 0) {
      client.request({ type: 'jumpTo', index: 0 }).then(() => setPlaying(true))
    } else setPlaying(true)
  }
  return { playing, speed, setSpeed, toggle, stop: () => setPlaying(false) }
}
