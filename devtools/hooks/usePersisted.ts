import { useCallback, useState } from 'react'

const KEY = 'strata-devtools'

function read(): Record<string, unknown> {
  try {
    return JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}') as Record<string, unknown>
  } catch {
    return {}
  }
}

/** A setting kept across reloads (open, dock side, size, theme), like TanStack Query Devtools. */
export function usePersisted<T>(name: string, initial: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => (name in read() ? (read()[name] as T) : initial))
  const set = useCallback(
    (next: T) => {
      setValue(next)
      try {
        globalThis.localStorage?.setItem(KEY, JSON.stringify({ ...read(), [name]: next }))
      } catch {
        // Storage can be full or refused (private mode): the setting just is not kept.
      }
    },
    [name],
  )
  return [value, set]
}
