import type { Store } from '@strata/state'
import { type Inspection, inspect, type SessionData } from '@strata/state/inspect'
import { exportSession, loadSession, serializeSession } from '@strata/state/testing'
import { useEffect, useRef, useState } from 'react'
import { devtoolsCss } from './css'
import { ShadowRoot } from './ShadowRoot'
import { Shell } from './Shell'
import type { StrataDevtoolsProps } from './StrataDevtools'

const systemTheme = () =>
  typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light'

function sessionWriter(name: string) {
  return (store: Store<any, any, any>) => {
    const n = store.logs.events.length
    // Hashing every state is what lets replay name the exact diverging event; past ~20k events
    // it costs seconds, so long sessions keep checkpoints only.
    const session = exportSession(store, {
      app: name,
      hashes: n <= 20_000,
      checkpointEvery: Math.max(100, Math.ceil(n / 100)),
    })
    // exportSession leaves out the server's rejections: a rejected event was never applied, so
    // write it as skipped (replay agrees) with the reason, as the panel's own writer does.
    const entries = store.logs.events
    session.events.forEach((e, i) => {
      const rejected = entries[i]?.rejected
      if (rejected === undefined) return
      e.skipped = true
      ;(e as { rejected?: string }).rejected =
        rejected instanceof Error ? rejected.message : String(rejected)
    })
    return serializeSession(session)
  }
}

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
      ...(hasLoad ? { load: (session: SessionData) => load.current?.(session) } : {}),
      exportSession: sessionWriter(name),
      parseSession: (text) => loadSession(text) as unknown as SessionData,
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
