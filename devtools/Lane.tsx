import { useVirtualizer } from '@tanstack/react-virtual'
import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useId, useRef } from 'react'
import { formatCount } from './format'

export const ROW_HEIGHT = 22
/**
 * react-virtual keeps a measurement per item and redoes them all when the count changes: a
 * million rows would cost tens of milliseconds per dispatch. It virtualizes blocks of rows
 * instead (31k at 1M events), and the rows of the blocks on screen are laid out by arithmetic.
 */
const BLOCK = 32
const BLOCK_HEIGHT = BLOCK * ROW_HEIGHT

export interface LaneProps {
  title: string
  count: number
  /** Shown after the count, e.g. "filtered". */
  note?: string | undefined
  /** The row for position `i` (0 to count - 1); called only for rows on screen. */
  renderRow(i: number): { content: ReactNode; className?: string; label?: string }
  selected: number | undefined
  onSelect(i: number): void
  /** Enter or double click: jump to the state of the row. */
  onActivate?(i: number): void
  /** Scroll this position into view whenever it changes. */
  reveal?: number | undefined
  /**
   * The rows on screen changed: fetch their data. `scrolled`: the lane has been scrolled since
   * it mounted (the first range, before the cursor is revealed, is not one a person chose).
   */
  onRange(start: number, end: number, scrolled: boolean): void
}

/**
 * A virtualized listbox: only the rows on screen exist in the DOM, whatever the count, with
 * ARIA listbox semantics and keyboard selection (arrows, Page Up/Down, Home/End, Enter).
 */
export function Lane(props: LaneProps) {
  const { title, count, selected, onSelect, onActivate, reveal, onRange } = props
  const id = useId()
  const scroller = useRef<HTMLDivElement>(null)
  const scrolled = useRef(false)
  const virtualizer = useVirtualizer({
    count: Math.ceil(count / BLOCK),
    getScrollElement: () => scroller.current,
    estimateSize: () => BLOCK_HEIGHT,
    overscan: 1,
  })
  const blocks = virtualizer.getVirtualItems()
  const first = blocks.length ? blocks[0]!.index * BLOCK : 0
  const last = blocks.length ? Math.min(count, (blocks[blocks.length - 1]!.index + 1) * BLOCK) : 0
  const rows: number[] = []
  for (let i = first; i < last; i++) rows.push(i)

  /** Scroll so row `index` is in view, moving as little as possible. */
  const show = useCallback(
    (index: number) => {
      const el = scroller.current
      if (!el) return
      const top = index * ROW_HEIGHT
      if (top < el.scrollTop) virtualizer.scrollToOffset(top)
      else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) {
        virtualizer.scrollToOffset(top + ROW_HEIGHT - el.clientHeight)
      }
    },
    [virtualizer],
  )

  useEffect(() => {
    onRange(first, last, scrolled.current)
  }, [first, last, onRange])

  useEffect(() => {
    // After the commit: react-virtual re-renders synchronously when it scrolls.
    if (reveal !== undefined && reveal >= 0 && reveal < count) queueMicrotask(() => show(reveal))
  }, [reveal, count, show])

  const move = (to: number) => {
    if (count === 0) return
    const index = Math.max(0, Math.min(count - 1, to))
    onSelect(index)
    show(index)
  }
  const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 200) / ROW_HEIGHT) - 1)
  const onKeyDown = (e: KeyboardEvent) => {
    const at = selected ?? -1
    const target: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at < 0 ? count - 1 : at - 1,
      PageDown: at + page,
      PageUp: at - page,
      Home: 0,
      End: count - 1,
    }
    if (e.key === 'Enter' && selected !== undefined) onActivate?.(selected)
    else if (e.key in target) move(target[e.key]!)
    else return
    e.preventDefault()
    e.stopPropagation()
  }

  return (
    <section className="sd-lane" aria-label={title}>
      <div className="sd-lane-head">
        <span>{title}</span>
        <span className="sd-count">
          {formatCount(count)}
          {props.note ? ` ${props.note}` : ''}
        </span>
      </div>
      <div
        ref={scroller}
        className="sd-scroll"
        role="listbox"
        aria-label={`${title} (${formatCount(count)})`}
        tabIndex={0}
        aria-activedescendant={selected !== undefined ? `${id}-${selected}` : undefined}
        onKeyDown={onKeyDown}
        onScroll={() => {
          scrolled.current = true
        }}
      >
        <div style={{ height: count * ROW_HEIGHT, position: 'relative' }}>
          {rows.map((index) => {
            const row = props.renderRow(index)
            const active = index === selected
            return (
              // Keys are handled by the listbox (aria-activedescendant), as the ARIA pattern asks.
              // biome-ignore lint/a11y/useKeyWithClickEvents: see above
              <div
                key={index}
                id={`${id}-${index}`}
                role="option"
                aria-selected={active}
                aria-setsize={count}
                aria-posinset={index + 1}
                aria-label={row.label}
                tabIndex={-1}
                className={`sd-row${active ? ' sd-active' : ''}${row.className ? ` ${row.className}` : ''}`}
                style={{ height: ROW_HEIGHT, transform: `translateY(${index * ROW_HEIGHT}px)` }}
                onClick={() => onSelect(index)}
                onDoubleClick={() => onActivate?.(index)}
              >
                {row.content}
              </div>
            )
          })}
        </div>
      </div>
    </section>
  )
}
