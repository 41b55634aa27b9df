import { events, guarded, type Internals } from './internals'
import type { AnyEvent, DispatchResult } from './types'

const KEPT = 100

/**
 * Undo that changes what happened, unlike `history`, which only looks at the past: `undo()`
 * dispatches the inverse of the newest command of this store that can still be undone, a command
 * like any other (recorded, synced, and refused or lost to a conflict like any other). Inverses
 * are declared per command type (`createStore({ inverses })`) and computed when undoing, from
 * the state before the command as the log has it now (after any rebase) and its events. `redo()`
 * undoes the undo the same way. A new command of the app empties the redo stack.
 */
export interface UndoStacks {
  done: string[]
  undone: string[]
  /** Set while undo or redo dispatches, so that dispatch is not a new command of the app. */
  replaying: boolean
}

/** Called after each dispatch with handlers. */
export function noteDispatched<S>(core: Internals<S>, result: DispatchResult): void {
  const u = core.undo
  if (u.replaying || result.error !== undefined || !result.events.length) return
  u.undone.length = 0
  if (core.inverses?.[result.command.type]) push(u.done, result.command.id)
}

/** Undo (from `done`) or redo (from `undone`): dispatches the newest inverse there is. */
export function undoStep<S>(
  core: Internals<S>,
  dispatch: (command: AnyEvent) => DispatchResult,
  from: 'done' | 'undone',
): DispatchResult | undefined {
  const u = core.undo
  for (let id = u[from].pop(); id !== undefined; id = u[from].pop()) {
    const found = undoable(core, id)
    const inverse =
      found &&
      guarded(core, 'handler', () =>
        core.inverses![found.command.type]!(
          core.log.at(found.index),
          found.command.payload,
          found.made,
        ),
      )
    if (!inverse) continue
    u.replaying = true
    try {
      const result = dispatch(inverse)
      if (result.error === undefined && result.events.length) {
        push(u[from === 'done' ? 'undone' : 'done'], result.command.id)
      }
      return result
    } finally {
      u.replaying = false
    }
  }
  return undefined
}

/** Whether `undo()` (or `redo()`) has a command to invert. */
export const canStep = <S>(core: Internals<S>, from: 'done' | 'undone'): boolean =>
  core.undo[from].some((id) => undoable(core, id))

/**
 * The command with this id if it can still be inverted: it made events, none of them refused,
 * lost or skipped, all in memory (not paged out with earlier history).
 */
function undoable<S>(core: Internals<S>, id: string) {
  const command = core.commands.findLast((c) => c.id === id)
  if (!command || command.error !== undefined || !core.inverses?.[command.type]) return undefined
  const list = events(core)
  const index = list.findLastIndex((e) => e.id === command.eventIds[0])
  const made = list.slice(index).filter((e) => e.commandId === id)
  if (index < 0 || made.some((e) => e.rejected !== undefined || e.skipped)) return undefined
  return { command, index, made }
}

function push(stack: string[], id: string) {
  if (stack.push(id) > KEPT) stack.shift()
}
