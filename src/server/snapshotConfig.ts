import type { SnapshotConfig } from './snapshots'

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
