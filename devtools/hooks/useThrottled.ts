import { useEffect, useRef, useState } from 'react'

/**
 * `value`, updated at most once per `ms`: for requests that scan the whole log (marks, types),
 * so an app dispatching in a loop does not rescan a million events per dispatch.
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value)
  const last = useRef(0)
  useEffect(() => {
    const wait = last.current + ms - Date.now()
    if (wait <= 0) {
      last.current = Date.now()
      setShown(value)
      return
    }
    const timer = setTimeout(() => {
      last.current = Date.now()
      setShown(value)
    }, wait)
    return () => clearTimeout(timer)
  }, [value, ms])
  return shown
}
