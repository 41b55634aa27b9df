import { createElement, type ReactNode, useLayoutEffect, useRef, useState } from 'react'
import { createPortal } from 'react-dom'

/**
 * Renders its children in an open shadow root under a <strata-devtools> element: the page's CSS
 * cannot reach the panel, and the panel's CSS (given as text) cannot reach the page.
 */
export function ShadowRoot({ css, children }: { css: string; children: ReactNode }) {
  const host = useRef<HTMLElement>(null)
  const [mount, setMount] = useState<HTMLElement | null>(null)
  useLayoutEffect(() => {
    const el = host.current!
    const root = el.shadowRoot ?? el.attachShadow({ mode: 'open' })
    const style = document.createElement('style')
    style.textContent = css
    const container = document.createElement('div')
    container.className = 'sd-mount'
    root.append(style, container)
    setMount(container)
    return () => {
      style.remove()
      container.remove()
    }
  }, [css])
  return createElement(
    'strata-devtools',
    { ref: host, style: { all: 'initial' } },
    mount && createPortal(children, mount),
  )
}
