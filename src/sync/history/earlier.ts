import { eventEntry, type MutableEventEntry } from '../../core/entries'
import { makeFold } from '../../core/fold'
import { type EarlierHistory, internalsOf } from '../../core/internals'
import type { Page } from '../../core/window'
import {
  compareTokens,
  START_TOKEN,
  type StoredWireEvent,
  tokenDistance,
} from '../../protocol/index'
import type { SyncContext } from '../context'
import { toPulled } from '../puller'
import { decodeState } from './boot'
import { type EarlierPages, fromStoredCommand, fromStoredEntry } from './records'
import { yieldToPage } from './settle'
import { PAGE } from './settled'

const SLICE_MS = 12

/**
 * Where `history.loadEarlier` and `replaceReducer(r, { refold: 'all' })` get the events before
 * the window: this device's pages first (as many as the count asks for, in one read, with the
 * state before the lowest: the states in between are folded again when asked for), then the
 * server: its snapshot kept at or before the stretch (`snapshot` option) and the events after
 * it, or, with no such snapshot, every event from the first, folded in slices that yield to the
 * page. Calls run one at a time.
 */
export function earlierHistory(ctx: SyncContext, snapshot: string | undefined): EarlierHistory {
  let queue: Promise<unknown> = Promise.resolve()
  const run = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task)
    queue = next.catch(() => {})
    return next
  }
  return {
    load: (count) => run(() => loadEarlier(ctx, snapshot, count ?? PAGE)),
    refold: () => run(() => refold(ctx)),
    toggle: (id) => run(() => refold(ctx, id)),
  }
}

async function loadEarlier(
  ctx: SyncContext,
  snapshot: string | undefined,
  count: number,
): Promise<number> {
  const { history, replica, state } = ctx
  let loaded = 0
  try {
    const core = internalsOf(ctx.store)
    while (loaded < count && history.basePosition !== START_TOKEN) {
      state.progress = { task: 'earlier', done: loaded, total: count }
      state.changed()
      const want = count - loaded
      const forgotten = ctx.forgotten
      const below = core.aside && Math.min(...core.aside.events.keys()) < core.start - want
      const page = below
        ? await asidePage(ctx, snapshot, want)
        : ((await localPage(ctx, want)) ?? (await serverPage(ctx, snapshot, want)))
      if (!page || ctx.signal.aborted) break
      // An erasure caught up with meanwhile: the page was read (its events decoded, its base
      // folded) before, so may hold what the tab scrubbed. Read again: answered scrubbed now.
      if (ctx.forgotten !== forgotten) continue
      replica.extend(page.page)
      // Those left aside are below it: the fold with them kept moves down to its start.
      if (below && core.aside)
        Object.assign(core.aside, { index: page.page.from, state: page.plain })
      history.extendedTo(page.starts)
      loaded += page.page.events.length
    }
  } finally {
    state.progress = undefined
    state.changed()
  }
  return loaded
}

interface Found {
  page: Page<unknown>
  /** Where it starts, history index and position, and where each stored page in it does. */
  starts: { index: number; position: string }[]
  /** The state at its start with the skips kept aside folded in (asidePage). */
  plain?: unknown
}

/** A stretch below the window starting at `start` (0 when it is the first). */
function stretch(
  ctx: SyncContext,
  start: string,
  base: unknown,
  events: Page<unknown>['events'],
  commands: Page<unknown>['commands'] = [],
): Found {
  const from = start === START_TOKEN ? 0 : Math.max(0, ctx.store.history.start - events.length)
  return { page: { from, base, events, commands }, starts: [{ index: from, position: start }] }
}

/** This device's pages below the window, down to at least `want` events, in one read. */
async function localPage(ctx: SyncContext, want: number): Promise<Found | undefined> {
  const { history } = ctx
  let found: EarlierPages | undefined
  try {
    found = await history.storage?.pagesEndingAt(history.version, history.basePosition, want)
  } catch {
    return undefined
  }
  if (!found) return undefined
  const events: Page<unknown>['events'] = []
  const commands: Page<unknown>['commands'] = []
  const at: number[] = []
  for (const record of found.pages) {
    at.push(events.length)
    for (const e of record.events) events.push(fromStoredEntry(e))
    for (const c of record.commands) commands.push(fromStoredCommand(c))
  }
  const result = stretch(ctx, found.pages[0]!.start, found.base, events, commands)
  result.starts = found.pages.map((p, i) => ({
    index: result.page.from + at[i]!,
    position: p.start,
  }))
  return result
}

/** The server's kept state at least `want` events back, and its events up to the window. */
async function serverPage(
  ctx: SyncContext,
  snapshot: string | undefined,
  want: number,
): Promise<Found | undefined> {
  const { history, transport, signal } = ctx
  const end = history.basePosition
  // With no more than `want` events before the window, the state before them is the initial one.
  const kept =
    tokenDistance(undefined, end) <= want
      ? { version: history.version, position: START_TOKEN, state: undefined }
      : snapshot
        ? await transport.snapshot(snapshot, { before: end, events: want }, signal)
        : undefined
  if (kept && kept.version === history.version) {
    const base =
      kept.position === START_TOKEN
        ? internalsOf(ctx.store).initialState
        : await decodeState(kept.state)
    const events: Page<unknown>['events'] = []
    await readEvents(ctx, kept.position, end, (list) => {
      for (const e of list) events.push(entryOf(ctx, e))
    })
    return stretch(ctx, kept.position, base, events)
  }
  // No kept state of this version: fold from the first event, keeping the last `want`.
  const folded = await foldFromStart(ctx, end, Math.max(want, PAGE))
  return stretch(ctx, folded.start, folded.base, folded.events)
}

/**
 * A page above events kept aside (skipped, window.ts): its base leaves them out, as the states
 * above it do. Folded from a state before the first of them (the server's kept one, else the
 * first event), keeping the last `want` events: memory holds the page, not the stretch down to
 * them (the time is a fold of that stretch, as the skip's was).
 */
async function asidePage(ctx: SyncContext, snapshot: string | undefined, want: number) {
  const { history, transport, signal } = ctx
  const core = internalsOf(ctx.store)
  const aside = [...core.aside!.events.values()]
  let first = history.basePosition
  for (const e of aside) if (compareTokens(e.position!, first) < 0) first = e.position!
  const kept =
    snapshot && (await transport.snapshot(snapshot, { before: first, events: 1 }, signal))
  const from =
    kept && kept.version === history.version
      ? { position: kept.position, base: await decodeState(kept.state) }
      : { position: START_TOKEN, base: core.initialState }
  const skips = new Set(aside.map((e) => e.id))
  const folded = await foldFromStart(ctx, history.basePosition, want, skips, from)
  return { ...stretch(ctx, folded.start, folded.base, folded.events), plain: folded.plain }
}

const entryOf = (ctx: SyncContext, e: StoredWireEvent) => {
  const p = toPulled(ctx, e)
  return eventEntry(p.id, p.event, p.at, p.commandId, p.origin ?? 'remote', p.position)
}

/**
 * Reads the events after `after` up to and including `end`, a server page at a time, handing
 * each page's to `each`.
 */
async function readEvents(
  ctx: SyncContext,
  after: string,
  end: string,
  each: (events: StoredWireEvent[]) => void | Promise<void>,
): Promise<void> {
  let token = after
  while (compareTokens(token, end) < 0 && !ctx.signal.aborted) {
    const response = await ctx.transport.read(
      {
        after: token,
        limit: 1000,
        clientId: ctx.clientId,
        ...(ctx.config.streams && { streams: ctx.config.streams }),
      },
      ctx.signal,
    )
    let events = response.events
    // Positions ascend: only a page that ends past `end` needs looking into.
    const past = events.length && compareTokens(events.at(-1)!.position, end) > 0
    if (past) events = events.filter((e) => compareTokens(e.position, end) <= 0)
    await each(events)
    if (past || !response.hasMore || response.token === token) return
    token = response.token
  }
}

/**
 * Folds the events from the first (or after `from`) up to `end` with the current reducer,
 * yielding to the page every `SLICE_MS`; returns the state before the last `keep` of them and
 * those events. Events whose id is in `skips` are left out of the fold, and returned (skipped)
 * by history index (from the first); with `from`, `plain` is the fold with them.
 */
async function foldFromStart(
  ctx: SyncContext,
  end: string,
  keep: number,
  skips?: ReadonlySet<string>,
  from?: { position: string; base: unknown },
) {
  const core = internalsOf(ctx.store)
  const fold = makeFold(core, core.reducer)
  // As the live fold does: an event that throws leaves the state as it was.
  const step = (state: unknown, e: MutableEventEntry) => {
    try {
      return fold(state, e.event)
    } catch {
      return state
    }
  }
  let base: unknown = from ? from.base : core.initialState
  let plain = base
  let start: string = from ? from.position : START_TOKEN
  const kept: Page<unknown>['events'] = []
  const left = new Map<number, MutableEventEntry>()
  let began = performance.now()
  let done = 0
  const total = tokenDistance(undefined, end)
  await readEvents(ctx, start, end, async (list) => {
    for (const e of list) {
      kept.push(entryOf(ctx, e))
      if (kept.length > keep) {
        const oldest = kept.shift()!
        if (from) plain = step(plain, oldest)
        if (skips?.has(oldest.id)) {
          oldest.skipped = true
          left.set(done - keep, oldest)
        } else base = step(base, oldest)
        start = oldest.position!
      }
      if (++done % 64 === 0 && performance.now() - began >= SLICE_MS) {
        ctx.state.progress = { task: 'earlier', done, total }
        ctx.state.changed()
        await yieldToPage()
        began = performance.now()
      }
    }
  })
  return { base, start, events: kept, left, plain }
}

/**
 * The window's base folded again from the first event by today's code, a server page at a time,
 * so memory holds the state and a page whatever the length of history (the time is a fold of
 * it). For `refold: 'all'` (no id): pages and the snapshot hold states of the code before, and
 * are forgotten (new ones follow), with any skip kept aside. For `toggleEarlier(id)` of an event
 * before the window, which stays as it is in memory: the events kept aside (window.ts) are left
 * out, this one toggled; undefined when it is not found.
 */
async function refold(ctx: SyncContext, id?: string): Promise<any> {
  const core = internalsOf(ctx.store)
  const aside = core.aside
  const skips = new Set<string>()
  if (id) for (const e of aside?.events.values() ?? []) skips.add(e.id)
  const known = skips.delete(id!)
  const { base, left } = await foldFromStart(
    ctx,
    ctx.history.basePosition,
    0,
    known || !id ? skips : skips.add(id),
  )
  if (!id) {
    await ctx.history.storage?.clear().catch(() => {})
    core.aside = undefined
    return base
  }
  // Every skip was found (this one too, unless un-skipped), and the fold went to the end.
  if (left.size === skips.size && !ctx.signal.aborted) {
    // What is kept aside with them: the fold without any skip at the window's base.
    core.aside = left.size
      ? { index: core.start, state: aside ? aside.state : core.log.base, events: left }
      : undefined
    return [base, !known]
  }
}
