import type { ForgetHook } from './erasure/scrub'
import type { ProjectedEvent } from './types'

/**
 * Server snapshots: the app's own reducer (the module the client imports) folded over each
 * tenant's events, so a device without a snapshot of its own starts from the state instead of
 * every event. Each is kept as a checkpoint named `snapshot:<name>` per tenant, and every
 * `keepEvery` events a state is kept under `snapshot:<name>#<position>` for clients paging back
 * (`history.loadEarlier`). States are stored in the session serializer's form, with the reducer
 * version that folded them: when the configured version changes, the snapshot is folded again
 * from the first event, and kept states of another version are never served.
 */
export interface SnapshotConfig<S = any> {
  name: string
  initialState: S
  /** The app's reducer: immer-style (mutate the draft), or returning the next state. */
  reducer: (draft: any, event: any) => unknown
  /** The reducer's version, as `createStore({ version })` names it on the client. */
  version: string | number
  /** `false`: a plain reducer that returns the next state (as `createStore({ immer: false })`). */
  immer?: boolean
  /** The store event of a stored one (the client's `codec.decode`). Default `{ type, payload }`. */
  decode?: (event: ProjectedEvent) => { type: string }
  /** Keep a state every this many events, for paging back. Default 10,000. */
  keepEvery?: number
  /**
   * Scrubs a forgotten subject from the state (see `ForgetHook`: on an immer draft, or on the
   * state itself with `immer: false`), so that a forget costs the state's size. Without it the
   * snapshot goes back to the state kept before the subject's first event and folds forward.
   */
  forget?: ForgetHook<S>
}

/** A declaration with its defaults, as the runner keeps it. */
export type ResolvedSnapshot = Required<Omit<SnapshotConfig, 'immer' | 'forget' | 'version'>> &
  SnapshotConfig & { version: string }

const defaultDecode = (e: ProjectedEvent) =>
  e.payload === null ? { type: e.type } : { type: e.type, payload: e.payload }

/** The declarations checked (unique names) and with their defaults. */
export function resolveConfigs(configs: readonly SnapshotConfig[]): Map<string, ResolvedSnapshot> {
  const map = new Map<string, ResolvedSnapshot>()
  for (const config of configs) {
    checkConfig(config)
    if (map.has(config.name)) {
      throw new TypeError(`[strata] snapshot names must be unique: ${JSON.stringify(config.name)}`)
    }
    map.set(config.name, {
      decode: defaultDecode,
      keepEvery: 10_000,
      ...config,
      version: String(config.version),
    })
  }
  return map
}

/** A clear TypeError for a snapshot declaration the runner cannot use. */
export function checkConfig(config: SnapshotConfig): void {
  const problem =
    typeof config !== 'object' || config === null
      ? 'an object'
      : typeof config.name !== 'string' || !/^[\w.-]{1,128}$/.test(config.name)
        ? '`name` of letters, digits, _ . - (1 to 128)'
        : typeof config.reducer !== 'function'
          ? '`reducer` to be the app reducer function'
          : !['string', 'number'].includes(typeof config.version)
            ? '`version` to be the reducer version (a string or number, as createStore({ version }))'
            : config.keepEvery !== undefined &&
                !(Number.isInteger(config.keepEvery) && config.keepEvery > 0)
              ? '`keepEvery` to be a positive integer'
              : config.forget !== undefined && typeof config.forget !== 'function'
                ? '`forget` to be a function (draft, { subject, tenant, fields }) that scrubs the subject'
                : undefined
  if (problem) {
    const received =
      typeof config === 'object' && config !== null
        ? `{ ${Object.keys(config).join(', ')} } named ${JSON.stringify((config as { name?: unknown }).name)}`
        : String(config)
    throw new TypeError(
      `[strata] createEventServer snapshots: expected ${problem}, received ${received}.`,
    )
  }
}
