import { useSyncExternalStore } from 'react'

export type Side = 'bottom' | 'right'

/**
 * The room open panels take at the page's edges, shared by every panel on the page. A docked
 * panel claims its size; the page gets that much padding (bottom or right) on <body>, so
 * everything under the panel can still be scrolled into view, and the custom properties
 * `--strata-devtools-bottom` / `--strata-devtools-right` on <html> for layouts that do not scroll
 * the body. Panels on one side stack in the order they opened; launchers move clear of them.
 */
interface Claim {
  side: Side
  size: number
  /** Draws over the page instead of making room. */
  overlay: boolean
}

const claims = new Map<object, Claim>()
const listeners = new Set<() => void>()
let version = 0
let saved: { bottom: string; right: string } | undefined

export interface Edges {
  bottom: number
  right: number
}

/** The total size claimed at each edge. */
export function edges(): Edges {
  const out = { bottom: 0, right: 0 }
  for (const c of claims.values()) out[c.side] += c.size
  return out
}

/** How far from its edge `owner`'s panel sits: the panels on its side that opened before it. */
export function offsetOf(owner: object): number {
  const own = claims.get(owner)
  let offset = 0
  for (const [key, c] of claims) {
    if (key === owner) break
    if (c.side === own?.side) offset += c.size
  }
  return offset
}

export function claimSpace(owner: object, side: Side, size: number, overlay = false): void {
  const prev = claims.get(owner)
  if (prev && prev.side === side && prev.size === size && prev.overlay === overlay) return
  // A panel that changes side goes to the end of its new side's stack.
  if (prev && prev.side !== side) claims.delete(owner)
  claims.set(owner, { side, size, overlay })
  changed()
}

export function releaseSpace(owner: object): void {
  if (claims.delete(owner)) changed()
}

function changed(): void {
  version++
  applyPadding()
  for (const listener of listeners) listener()
}

function applyPadding(): void {
  if (typeof document === 'undefined' || !document.body) return
  const room = { bottom: 0, right: 0 }
  for (const c of claims.values()) if (!c.overlay) room[c.side] += c.size
  const { body, documentElement: html } = document
  if (room.bottom === 0 && room.right === 0) {
    if (saved) {
      body.style.paddingBottom = saved.bottom
      body.style.paddingRight = saved.right
      saved = undefined
    }
    html.style.removeProperty('--strata-devtools-bottom')
    html.style.removeProperty('--strata-devtools-right')
    return
  }
  if (!saved) {
    saved = { bottom: body.style.paddingBottom, right: body.style.paddingRight }
  }
  // On top of the page's own padding (read with ours removed), not instead of it.
  body.style.paddingBottom = saved.bottom
  body.style.paddingRight = saved.right
  const own = getComputedStyle(body)
  body.style.paddingBottom = `calc(${own.paddingBottom} + ${room.bottom}px)`
  body.style.paddingRight = `calc(${own.paddingRight} + ${room.right}px)`
  html.style.setProperty('--strata-devtools-bottom', `${room.bottom}px`)
  html.style.setProperty('--strata-devtools-right', `${room.right}px`)
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** Re-renders when any panel opens, closes, moves or resizes. */
export function useDockSpace(): number {
  return useSyncExternalStore(
    subscribe,
    () => version,
    () => 0,
  )
}
