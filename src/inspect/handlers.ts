import type { Store } from '@strata/state'
import { bisect } from './bisect'
import { InspectError } from './errors'
import { changedPaths, getAt } from './paths'
import type { Path, Request, RequestMap, RequestType, ResultOf } from './protocol'
import { commandRows, eventRows, stateRows } from './rows'
import { eventTypes, marks, related, search, touches } from './search'

type AnyStore = Store<any, any, any>

/** What the read-only handlers need besides the store. */
export interface ReadContext {
  store: AnyStore
  selectors: Record<string, (state: any) => unknown>
}

/** An index in `[min, max]`: states below `history.start` are not in memory (loadEarlier). */
function checkIndex(index: unknown, max: number, what: string, min = 0): number {
  if (!Number.isInteger(index) || (index as number) < min || (index as number) > max) {
    throw new InspectError(
      'bad-request',
      `${what} must be an integer from ${min} to ${max}, received ${JSON.stringify(index)}.`,
    )
  }
  return index as number
}

function selectorOf(ctx: ReadContext, params: RequestMap['bisect']['params']) {
  if (params.selector !== undefined) {
    const selector = ctx.selectors[params.selector]
    if (!selector) {
      const known = Object.keys(ctx.selectors)
      throw new InspectError(
        'bad-request',
        `No selector named ${JSON.stringify(params.selector)}. Known: ${known.join(', ') || 'none'}; pass them in the host's \`selectors\` option.`,
      )
    }
    return selector
  }
  const path: Path = params.path ?? []
  return (state: unknown) => getAt(state, path)
}

type Handlers = { [T in RequestType]?: (ctx: ReadContext, req: Request<T>) => ResultOf<T> }

/** Requests that read the logs and change nothing. */
export const readHandlers: Handlers = {
  events: ({ store }, r) => eventRows(store, r.start, r.end, r.states),
  commands: ({ store }, r) => commandRows(store, r.start, r.end),
  states: ({ store }, r) => stateRows(store, r.start, r.end),
  state: ({ store }, r) => {
    const { start } = store.history
    const index = checkIndex(r.index, store.logs.states.length - 1, 'state index', start)
    const state = store.logs.states.at(index)
    return { index, value: r.path ? getAt(state, r.path) : state }
  },
  diff: ({ store }, r) => {
    const max = store.logs.states.length - 1
    const { start } = store.history
    const from = checkIndex(r.from, max, 'diff `from`', start)
    const to = checkIndex(r.to, max, 'diff `to`', start)
    const left = store.logs.states.at(from)
    const right = store.logs.states.at(to)
    return { from, to, left, right, paths: changedPaths(left, right, 200).paths }
  },
  changes: ({ store }, r) => {
    const { start, length } = store.history
    const index = checkIndex(r.index, length - 1, 'event index', start)
    const { states } = store.logs
    return changedPaths(states.at(index), states.at(index + 1), r.limit ?? 100)
  },
  touches: ({ store }, r) => touches(store, r.path, r.start, r.end),
  related: ({ store }, r) => related(store, r),
  search: ({ store }, r) => search(store, r),
  types: ({ store }, r) => eventTypes(store, r.limit),
  marks: ({ store }, r) => marks(store, r.limit),
  bisect: (ctx, r) => bisect(ctx.store, selectorOf(ctx, r), r.upTo),
}
