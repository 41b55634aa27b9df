import type { Store } from '@strata/state'
import { inspect } from '@strata/state/inspect'
import { afterEach } from 'vitest'
import { history } from './fixtures'

// An in-page inspection of a store, closed after each test of the file that uses it.
const open: { close(): void }[] = []
afterEach(() => {
  for (const o of open.splice(0)) o.close()
})

export function connect(
  store: Store<any, any, any> = history(),
  options: Parameters<typeof inspect>[1] = {},
) {
  const inspection = inspect(store, options)
  open.push(inspection)
  return { store, ...inspection }
}
