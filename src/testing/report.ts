import type { Session } from './format'
import type { Divergence, ReplayResult } from './replay'
import type { CompatibilityReport } from './upcast'

/** `"todos" (code 1.4.0, recorded 2025-05-01T10:00:00.000Z, 12 events, 9 commands)` */
export function describeSession(session: Session<unknown>, name?: string): string {
  const { meta } = session
  const parts = [
    meta.codeVersion === undefined ? undefined : `code ${meta.codeVersion}`,
    `recorded ${meta.recordedAt}`,
    `${session.events.length} events`,
    `${session.commands.length} commands`,
  ].filter((p) => p !== undefined)
  const label = name ?? meta.app
  return `${label === undefined ? 'Session' : `Session ${JSON.stringify(label)}`} (${parts.join(', ')})`
}

/** The compatibility report as text: one line per event or command type today's code cannot replay. */
export function formatCompatibility(report: CompatibilityReport): string {
  if (report.ok)
    return 'Compatibility: every event and command type is known at a replayable version.'
  const lines = [`Compatibility: ${report.issues.length} problem(s)`]
  for (const issue of report.issues) lines.push(`  - ${issue.message}`)
  return lines.join('\n')
}

/** The divergences as text: for each, what differs, then the diff indented under it. */
export function formatDivergences(divergences: readonly Divergence[]): string {
  return divergences
    .map((d, i) => {
      const head = `Divergence ${i + 1} of ${divergences.length} (${d.kind}, events ${d.from} to ${d.checkpoint - 1}):`
      const lines = [head, `  ${d.summary}`]
      if (d.diff) {
        lines.push(
          d.kind === 'state'
            ? `  State after ${d.checkpoint} events, - recorded + replayed today:`
            : '  The event, - recorded + made today:',
        )
        lines.push(indent(d.diff, '    '))
      }
      return lines.join('\n')
    })
    .join('\n\n')
}

/** The whole report of a replay: what the session is, its compatibility, then each divergence. */
export function formatReplay(
  session: Session<unknown>,
  result: ReplayResult<unknown>,
  name?: string,
): string {
  const title = describeSession(session, name)
  const count = result.divergences.length
  const head = result.ok
    ? `${title} replays with today's code: ${result.checkpoints.length} checkpoint(s) match.`
    : `[strata] ${title} does not replay with today's code: ${count} divergence(s)${result.compatibility.ok ? '' : ', and a compatibility problem'}.`
  const parts = [head, formatCompatibility(result.compatibility)]
  if (count > 0) parts.push(formatDivergences(result.divergences))
  return parts.join('\n\n')
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n')
}
