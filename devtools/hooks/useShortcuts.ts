import type { KeyboardEvent } from 'react'

export interface Shortcuts {
  stepBack(): void
  stepForward(): void
  playPause(): void
  live(): void
  focusFilter(): void
  skipSelected(): void
  jumpToSelected(): void
  close?: (() => void) | undefined
}

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT'])

/**
 * The panel's keys, active only while focus is inside it (the app keeps its own keys):
 * [ and ] step, P plays, L goes live, / filters, S skips the selected event, J jumps to it,
 * Esc closes.
 */
export function shortcutHandler(keys: Shortcuts) {
  return (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return
    const target = e.target as HTMLElement
    if (e.key === 'Escape') {
      if (TYPING.has(target.tagName)) target.blur()
      else keys.close?.()
      return
    }
    if (TYPING.has(target.tagName)) return
    const run: Record<string, (() => void) | undefined> = {
      '[': keys.stepBack,
      ']': keys.stepForward,
      p: keys.playPause,
      l: keys.live,
      '/': keys.focusFilter,
      s: keys.skipSelected,
      j: keys.jumpToSelected,
    }
    const action = run[e.key.toLowerCase()]
    if (!action) return
    e.preventDefault()
    action()
  }
}
