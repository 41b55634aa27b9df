import type { InspectClient } from '@strata/state/inspect'
import { type KeyboardEvent, type PointerEvent, useLayoutEffect, useState } from 'react'
import { claimSpace, edges, offsetOf, releaseSpace, useDockSpace } from './dockSpace'
import { usePersisted } from './hooks/usePersisted'
import { Logo } from './Icon'
import { PanelFrame } from './PanelFrame'
import type { Dock, Theme } from './Toolbar'

export type Corner = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'

interface Props {
  client: InspectClient
  /** The store's name: on the launcher, and the key of the remembered settings. */
  name: string
  /** Draw over the page instead of making room for the panel. */
  overlay: boolean
  initialIsOpen: boolean
  position: Dock
  buttonPosition: Corner
  theme: Theme
}

const MIN = 180
const DEFAULT = { bottom: 380, right: 620 }

/** The small launcher button and, once open, the docked, resizable panel. */
export function Shell({
  client,
  name,
  overlay,
  initialIsOpen,
  position,
  buttonPosition,
  theme: initialTheme,
}: Props) {
  const [open, setOpen] = usePersisted(name, 'open', initialIsOpen)
  const [dock, setDock] = usePersisted<Dock>(name, 'dock', position)
  const [theme, setTheme] = usePersisted<Theme>(name, 'theme', initialTheme)
  const [sizes, setSizes] = usePersisted(name, 'size', DEFAULT)
  const [dragging, setDragging] = useState(false)
  // This panel's claim on the page's edge: an object of its own, stable for its lifetime.
  const [owner] = useState(() => ({ name }))
  useDockSpace()
  const size = sizes[dock] ?? DEFAULT[dock]
  useLayoutEffect(() => {
    if (!open) return releaseSpace(owner)
    claimSpace(owner, dock, size, overlay)
  }, [owner, open, dock, size, overlay])
  useLayoutEffect(() => () => releaseSpace(owner), [owner])
  const limit = () => (dock === 'bottom' ? window.innerHeight : window.innerWidth) - 40
  const resize = (next: number) =>
    setSizes({ ...sizes, [dock]: Math.round(Math.max(MIN, Math.min(limit(), next))) })

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault()
    setDragging(true)
    const move = (ev: globalThis.PointerEvent) =>
      resize(dock === 'bottom' ? window.innerHeight - ev.clientY : window.innerWidth - ev.clientX)
    const up = () => {
      setDragging(false)
      window.removeEventListener('pointermove', move)
      window.removeEventListener('pointerup', up)
    }
    window.addEventListener('pointermove', move)
    window.addEventListener('pointerup', up)
  }
  const onResizeKey = (e: KeyboardEvent) => {
    const grow = dock === 'bottom' ? 'ArrowUp' : 'ArrowLeft'
    const shrink = dock === 'bottom' ? 'ArrowDown' : 'ArrowRight'
    if (e.key === grow || e.key === shrink) {
      e.preventDefault()
      resize(size + (e.key === grow ? 24 : -24))
    }
  }

  const taken = edges()
  if (!open) {
    // Clear of open panels: above those at the bottom, left of those on the right.
    const corner = {
      ...(buttonPosition.startsWith('bottom') && { bottom: 16 + taken.bottom }),
      ...(buttonPosition.endsWith('right') && { right: 16 + taken.right }),
    }
    const named = name !== 'default'
    return (
      <div className="sd-root" data-theme={theme}>
        <button
          type="button"
          className="sd-launcher"
          data-corner={buttonPosition}
          style={corner}
          aria-label={named ? `Open Strata devtools for ${name}` : 'Open Strata devtools'}
          aria-expanded="false"
          onClick={() => setOpen(true)}
        >
          <Logo /> Strata{named && <span className="sd-launcher-name"> · {name}</span>}
        </button>
      </div>
    )
  }
  const offset = offsetOf(owner)
  const sizeStyle =
    dock === 'bottom'
      ? { height: size, bottom: offset, right: taken.right }
      : { width: size, right: offset }
  return (
    <section
      className="sd-root sd-dock"
      data-dock={dock}
      data-theme={theme}
      aria-label={name !== 'default' ? `Strata devtools for ${name}` : 'Strata devtools'}
      style={{ ...sizeStyle, userSelect: dragging ? 'none' : undefined }}
    >
      {/* A focusable splitter: the ARIA window-splitter pattern, which <hr> cannot be. */}
      {/* biome-ignore lint/a11y/useSemanticElements: see above */}
      <div
        className="sd-resize"
        role="separator"
        aria-label="Resize the devtools"
        aria-orientation={dock === 'bottom' ? 'horizontal' : 'vertical'}
        aria-valuenow={size}
        aria-valuemin={MIN}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onKeyDown={onResizeKey}
      />
      <PanelFrame
        client={client}
        theme={theme}
        onTheme={setTheme}
        dock={dock}
        onDock={setDock}
        onClose={() => setOpen(false)}
      />
    </section>
  )
}
