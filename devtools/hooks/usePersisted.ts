import { useCallback, useState } from 'react'

const KEY = 'strata-devtools'

type Settings = Record<string, Record<string, unknown>>

function read(): Settings {
  try {
    const parsed = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}') as unknown
    return typeof parsed === 'object' && parsed !== null ? (parsed as Settings) : {}
  } catch {
    return {}
  }
}

/**
 * A setting kept across reloads (open, dock side, size, theme), like TanStack Query Devtools,
 * per store name: opening the board's panel does not open the preferences' one on reload.
 */
export function usePersisted<T>(scope: string, name: string, initial: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => {
    const own = read()[scope]
    return own && typeof own === 'object' && name in own ? (own[name] as T) : initial
  })
  const set = useCallback(
    (next: T) => {
      setValue(next)
      try {
        const all = read()
        const own = typeof all[scope] === 'object' && all[scope] !== null ? all[scope] : {}
        globalThis.localStorage?.setItem(
          KEY,
          JSON.stringify({ ...all, [scope]: { ...own, [name]: next } }),
        )
      } catch {
        // Storage can be full or refused (private mode): the setting just is not kept.
      }
    },
    [scope, name],
  )
  return [value, set]
}
