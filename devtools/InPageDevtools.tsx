import { type Inspection, inspect, type Session } from '@strata/state/inspect'
import { loadSession, serializeSession } from '@strata/state/testing'
import { useEffect, useRef, useState } from 'react'
import { devtoolsCss } from './css'
import { ShadowRoot } from './ShadowRoot'
import { Shell } from './Shell'
import type { StrataDevtoolsProps } from './StrataDevtools'

const systemTheme = () =>
  typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light'

/** The launcher and docked panel, served by an in-page inspect host of `store`. */
export function InPageDevtools({
  store,
  sync,
  selectors,
  name = 'default',
  ...props
}: StrataDevtoolsProps) {
  const [inspection, setInspection] = useState<Inspection>()
  const load = useRef(props.load)
  load.current = props.load
  const hasLoad = props.load !== undefined
  // Selectors are read once: an inline object would otherwise rebuild the host each render.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    const created = inspect(store, {
      name,
      ...(sync ? { sync } : {}),
      ...(selectors ? { selectors } : {}),
      ...(hasLoad ? { load: (session: Session) => load.current?.(session) } : {}),
      // Sessions keep Dates, Maps, Sets and BigInts, and the file is checked field by field.
      serializeSession: (session) => serializeSession(session),
      parseSession: (text) => loadSession(text),
    })
    setInspection(created)
    return () => created.close()
  }, [store, sync, name, hasLoad])
  if (!inspection) return null
  const theme = props.theme === 'light' || props.theme === 'dark' ? props.theme : systemTheme()
  return (
    <ShadowRoot css={devtoolsCss}>
      <Shell
        client={inspection.client}
        name={name}
        overlay={props.overlay ?? false}
        initialIsOpen={props.initialIsOpen ?? false}
        position={props.position ?? 'bottom'}
        buttonPosition={props.buttonPosition ?? 'bottom-right'}
        theme={theme}
      />
    </ShadowRoot>
  )
}
