/** Strata stores recorded by one benchmark and reused by the next, so big ones are built once. */
import { workload } from './board'
import { type Kind, recordStrata, type StrataStore } from './contestants'

const kept = new Map<string, StrataStore>()

export function keep(kind: Kind, n: number, store: StrataStore): void {
  kept.set(`${kind}:${n}`, store)
}

/** The store kept for (kind, n), or a new one recorded from the same seeded events. */
export function take(kind: Kind, n: number): StrataStore {
  const key = `${kind}:${n}`
  const store = kept.get(key)
  kept.delete(key)
  if (store) return store
  const w = workload()
  return recordStrata(kind, w.initialState, w.events(n))
}

export function forget(): void {
  kept.clear()
}
