import type { EventQuery, InspectClient } from '@strata/state/inspect'
import { useEffect, useState } from 'react'

export interface SearchState {
  /** Matching event indexes found so far, in log order. Grows in place: read `count`. */
  matches: number[]
  count: number
  done: boolean
}

const isEmpty = (q: EventQuery) => !q.text?.trim() && !q.types?.length && !q.flags?.length

/**
 * A filter over the event log, filled in page by page (each a few milliseconds of the host's
 * time), so a million events never block the page. Undefined when the query is empty.
 */
export function useSearch(
  client: InspectClient,
  query: EventQuery,
  logRevision: number,
): SearchState | undefined {
  const [state, setState] = useState<SearchState | undefined>()
  const key = JSON.stringify(query)
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `query`
  useEffect(() => {
    if (isEmpty(query)) {
      setState(undefined)
      return
    }
    let stopped = false
    const matches: number[] = []
    const run = async () => {
      let from: number | undefined = 0
      while (from !== undefined && !stopped) {
        const page: { matches: number[]; next: number | undefined } = await client.request({
          type: 'search',
          query,
          from,
          limit: 10_000,
        })
        if (stopped) return
        for (const m of page.matches) matches.push(m)
        from = page.next
        setState({ matches, count: matches.length, done: from === undefined })
        if (from !== undefined) await new Promise((r) => setTimeout(r, 0))
      }
    }
    run().catch(() => {})
    return () => {
      stopped = true
    }
  }, [client, key, logRevision])
  return state
}
