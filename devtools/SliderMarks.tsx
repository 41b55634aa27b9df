import type { HotReport } from '@strata/state'

interface Props {
  length: number
  marks: { errors: number[]; rejected: number[]; skipped: number[] } | undefined
  hot: readonly HotReport[]
}

const MAX_TICKS = 400

/**
 * Ticks under the slider where events failed, were rejected or skipped, and where a hot reload
 * first changed the state. An event at index i is the step from state i to i + 1.
 */
export function SliderMarks({ length, marks, hot }: Props) {
  if (length === 0) return null
  const at = (i: number) => `${((i + 1) / length) * 100}%`
  const ticks: { key: string; kind: string; left: string; title: string }[] = []
  const add = (list: readonly number[], kind: string, title: string) => {
    for (const i of list.slice(0, MAX_TICKS))
      ticks.push({ key: `${kind}${i}`, kind, left: at(i), title: `${title} at event ${i}` })
  }
  if (marks) {
    add(marks.skipped, 'skipped', 'Skipped')
    add(marks.rejected, 'rejected', 'Rejected by the server')
    add(marks.errors, 'error', 'Reducer error')
  }
  hot.forEach((r, n) => {
    if (r.firstChangedIndex === undefined) return
    ticks.push({
      key: `hot${n}`,
      kind: 'hot',
      left: at(r.firstChangedIndex),
      title: `Hot reload (${r.kind}) changed the state from event ${r.firstChangedIndex} (${r.firstChangedEventType})`,
    })
  })
  return (
    <div className="sd-marks" aria-hidden="true">
      {ticks.map((t) => (
        <span
          key={t.key}
          className={`sd-mark sd-m-${t.kind}`}
          style={{ left: t.left }}
          title={t.title}
        />
      ))}
    </div>
  )
}
