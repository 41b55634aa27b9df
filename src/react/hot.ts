import {
  type CommandMap,
  createStore,
  type HotReport,
  type Reducer,
  type Store,
  type StoreOptions,
} from '@strata/state'

/** The part of Vite's `import.meta.hot` that `hotStore` uses. */
export interface HotContext {
  readonly data: Record<string, any>
}

export interface HotStoreOptions {
  /** Where the store is kept in `hot.data`; set it to keep several stores in one module. */
  key?: string
  /** Told what each replacement changed. Default: a `console.info` line when it changed. */
  onReport?: (report: HotReport) => void
  /**
   * A synced store's window may start above a base state folded by the code before (a snapshot,
   * evicted events). Up to this many events before the window, a new reducer re-folds from the
   * first event (`refold: 'all'`, paged in chunks), so the whole board shows the edit; past it,
   * only the window is re-folded and the report says the base came from earlier code. Default
   * 10,000.
   */
  refoldAllUpTo?: number
}

interface Kept {
  store: Store<any, any, any>
  reducer: Reducer<any, any>
  commands: CommandMap<any, any> | undefined
}

type CreateStore = typeof createStore
type AnyStoreOptions = StoreOptions<any, any, CommandMap<any, any> | undefined>
// The implementation's signature: the overloads are for callers, who get them back below.
const make = createStore as (options: AnyStoreOptions) => Store<any, any, any>

/**
 * `createStore` for a hot-reloaded module. The first run creates the store and keeps it in
 * `hot.data`; when Vite re-runs the module (because it, its reducer or its command module was
 * edited), the kept store is returned and given the new reducer (`hot.replaceReducer`) or
 * command handlers (`hot.replaceCommands`), so the logs are re-applied instead of lost.
 *
 * Vite finds update boundaries by reading the source, so the module must also accept itself
 * with a literal `import.meta.hot?.accept()` line. Without `hot` (production) it is `createStore`.
 *
 * @example
 * export const store = hotStore(import.meta.hot)({ initialState, reducer, commands })
 * import.meta.hot?.accept()
 */
export function hotStore(
  hot: HotContext | undefined,
  { key = 'strataStore', onReport = logReport, refoldAllUpTo = 10_000 }: HotStoreOptions = {},
): CreateStore {
  // Curried so the result is typed exactly as createStore, overloads and inference included.
  const create = (options: AnyStoreOptions): Kept['store'] => {
    if (!hot) return make(options)
    const kept = hot.data[key] as Kept | undefined
    if (!kept) {
      const store = make(options)
      const fresh: Kept = { store, reducer: options.reducer, commands: options.commands }
      hot.data[key] = fresh
      return store
    }
    // Reducer first, so re-run commands are folded by the new reducer.
    if (options.reducer !== kept.reducer) {
      kept.reducer = options.reducer
      const { hot: storeHot, history } = kept.store
      const all = history.start > 0 && history.start <= refoldAllUpTo
      onReport(storeHot.replaceReducer(options.reducer, all ? { refold: 'all' } : undefined))
      void storeHot.refolding?.then(onReport, () => {})
    }
    if (options.commands !== kept.commands) {
      if (options.commands === undefined) {
        console.warn(
          '[strata] hot reload: `commands` was removed; the store keeps its old handlers. Reload the page to drop them.',
        )
      } else {
        onReport(kept.store.hot.replaceCommands(options.commands))
      }
      kept.commands = options.commands
    }
    return kept.store
  }
  return create
}

function logReport(report: HotReport): void {
  if (!report.changed) return
  const what = report.kind === 'reducer' ? 'reducer' : 'command handlers'
  const where =
    report.firstChangedIndex === undefined
      ? ''
      : ` from event #${report.firstChangedIndex} (${String(report.firstChangedEventType)})`
  const events = report.kind === 'commands' ? `; ${report.eventsChanged} event(s) changed` : ''
  console.info(`[strata] hot reload: new ${what}; states differ${where}${events}.`)
}
