import type { SuperJSONResult } from 'superjson'
import { START_TOKEN, tokenDistance } from '../../protocol/index'
import { deadline } from '../clock'
import type { SyncContext } from '../context'
import { recordState, type SnapshotRecord, snapshotProblem } from './records'

/** Where each store's settled history stood when its last connection closed. */
const lastSeen = new WeakMap<object, { settledAt: string | undefined; base: string }>()

export function remember(ctx: SyncContext): void {
  lastSeen.set(ctx.store, { settledAt: ctx.settledAt, base: ctx.history.basePosition })
}

/**
 * A server snapshot's state, just parsed: plain JSON as it is (no annotation to apply), else read
 * with the session serializer (loaded only then), in place, as nothing else holds the parse.
 */
export async function decodeState(state: unknown): Promise<unknown> {
  const { json, meta } = state as SuperJSONResult
  if (!meta) return json
  const { sessionSerializer } = await import('../../protocol/values')
  return sessionSerializer.deserialize(state as SuperJSONResult, { inPlace: true })
}

/**
 * Where the store's settled state starts, before the outbox is put back on top and the puller
 * reads after it: this device's snapshot of this code version; else the server's (the
 * `snapshot` option); else the events, folded from the first (in slices, with progress). A
 * store that already settled events in this page (connected again) goes on from them. A snapshot
 * that cannot be used is ignored with one warning.
 */
export async function boot(
  ctx: SyncContext,
  snapshot: string | undefined,
  /** Told where the settled state will stand, before it is decoded. */
  early: (position: string) => void,
): Promise<void> {
  const { store, replica, history, state } = ctx
  const before = lastSeen.get(store)
  if (store.history.start + replica.settled > 0 && before) {
    history.startAt(before.base, store.history.start)
    ctx.settledAt = before.settledAt
    state.boot = 'store'
    return
  }
  // A database made just now holds no snapshot and no outbox.
  const created = ctx.storage.created
  const local = created ? undefined : await readLocal(ctx, early)
  if (local) {
    startFrom(ctx, local, 'local-snapshot')
    return
  }
  const fromServer = snapshot !== undefined && (created || !(await sentUnanswered(ctx)))
  if (ctx.signal.aborted) return
  if (fromServer && (await bootFromServer(ctx, snapshot, early))) return
  history.startAt(START_TOKEN, 0)
  state.boot = 'events'
}

/**
 * Events sent whose answer never came may be stored, and then in the server's snapshot: put back
 * on top of it they would show twice until the server answers. Such a device folds the events
 * instead, where its own come back as its own. (This device's snapshot never holds them: it is
 * written with the outbox in one transaction.)
 */
async function sentUnanswered(ctx: SyncContext): Promise<boolean> {
  try {
    return (await ctx.storage.unsent(1)).length > 0
  } catch {
    return true
  }
}

/**
 * The settled state starts at a snapshot of `count` events up to `position`; pulls go on from the
 * stream versions its events reached.
 */
function startFrom(
  ctx: SyncContext,
  s: Pick<SnapshotRecord, 'state' | 'position' | 'count'> & { streams?: Record<string, number> },
  boot: 'local-snapshot' | 'server-snapshot',
): void {
  for (const [stream, version] of Object.entries(s.streams ?? {})) {
    ctx.versions.set(stream, Math.max(ctx.versions.get(stream) ?? 0, version))
  }
  ctx.replica.reset({ state: s.state, start: s.count }, { frozen: ctx.frozen })
  ctx.history.startAt(s.position, s.count)
  ctx.state.boot = boot
}

/**
 * This device's snapshot, its state decoded; undefined (with one warning) when unusable. `early`
 * is told its position before the state is parsed; one then not used has the tail asked again.
 */
async function readLocal(
  ctx: SyncContext,
  early: (position: string) => void,
): Promise<SnapshotRecord | undefined> {
  const { history } = ctx
  let problem: string | undefined
  let cause: unknown
  try {
    const raw = await history.storage?.loadSnapshot(history.version)
    problem = snapshotProblem(raw, history.version)
    // Parsed here, so a JSON text that does not parse is ignored as any unusable record.
    if (raw && !problem) {
      early((raw as SnapshotRecord).position)
      return { ...(raw as SnapshotRecord), state: recordState(raw as never) }
    }
  } catch (error) {
    cause = error
    problem = `it could not be read (${String((error as Error)?.message ?? error)})`
  }
  if (problem) {
    history.warn(
      `Ignored this device's snapshot: ${problem}. Folding the history from the server's events instead.`,
      cause,
    )
  }
  return undefined
}

async function bootFromServer(
  ctx: SyncContext,
  name: string,
  early: (position: string) => void,
): Promise<boolean> {
  const { history, transport, signal } = ctx
  const timeout = deadline(ctx.clock, ctx.config.requestTimeoutMs, signal)
  try {
    // The tail's request leaves with the headers; a snapshot then not used has it asked again.
    const found = await transport.snapshot(name, undefined, timeout.signal, early)
    if (!found) return false
    if (found.version !== history.version) {
      history.warn(
        `Ignored the server's snapshot ${JSON.stringify(name)}: it was folded by version ${JSON.stringify(found.version)} of the reducer, this is ${JSON.stringify(history.version)}. Folding the history from the server's events instead (the server re-folds its snapshot once it runs this version).`,
      )
      return false
    }
    early(found.position)
    const value = await decodeState(found.state)
    const count = tokenDistance(undefined, found.position)
    startFrom(ctx, { ...found, state: value, count }, 'server-snapshot')
    return true
  } catch (error) {
    if (signal.aborted) return false
    history.warn(
      `Reading the server's snapshot ${JSON.stringify(name)} failed (${String((error as Error)?.message ?? error)}); folding the history from the server's events instead.`,
      error,
    )
    return false
  } finally {
    timeout.clear()
  }
}
