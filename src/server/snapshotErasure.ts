import { ERASURE_STREAM } from '../protocol/personal'
import { sessionSerializer } from '../protocol/values'
import { erasureTx } from './erasure/personal'
import { rewindSnapshot } from './erasure/refold'
import { type ForgetContext, hookFailed, scrubState } from './erasure/scrub'
import type { ResolvedSnapshot } from './snapshotConfig'
import type { Kept } from './snapshotLive'
import type { Checkpoint, Storage, StorageTx } from './types'

/**
 * What a forget does to server snapshots, and what keeps a fold from bringing the fields back.
 *
 * A snapshot with a `forget` hook has its latest state scrubbed: read and scrubbed before the
 * forget's transaction (`scrubSnapshots`), saved in it if nobody saved meanwhile, else scrubbed
 * again there (`installForget`). Its cost is the state's size. One without a hook (or whose hook
 * threw) goes back to the last state kept before the subject's first event and folds forward.
 * Either way the states kept for paging back from that event on are deleted (one statement):
 * scrubbing each would cost the history's length over `keepEvery`. With a hook, the fold goes on
 * from the scrubbed latest: the hole up to it (`Hole`) is folded again after the commit.
 *
 * Both happen in the transaction that deletes the key, so any state folded from a read before
 * it is stale: a save checks, in its own transaction, that the tenant's count of erasures is
 * still the one its state started at (`saveUnlessForgotten`), else it is refused and the runner
 * starts again from what the forget left. That holds for a runner in another process too.
 */
export type ScrubbedSnapshots = ReadonlyMap<string, { position: number; state: Kept } | 'failed'>

/** Kept states deleted by a forget from `first` to `until` (the scrubbed latest's position). */
export interface Hole {
  name: string
  first: number
  until: number
}

export const latestName = (name: string) => `snapshot:${name}`
export const keptPrefix = (name: string) => `snapshot:${name}#`
export const keptName = (name: string, position: number) => `${keptPrefix(name)}${position}`

/** A checkpoint this version of the snapshot can use. */
const usable = (checkpoint: Checkpoint | undefined, config: ResolvedSnapshot) =>
  checkpoint !== undefined && (checkpoint.state as unknown as Kept)?.v === config.version

function scrubKept(config: ResolvedSnapshot, kept: Kept, context: ForgetContext): Kept {
  const state = sessionSerializer.deserialize(kept.s)
  const how = config.immer === false ? 'state' : 'draft'
  const next = scrubState(config.forget!, state, context, how)
  return { ...kept, s: sessionSerializer.serialize(next) }
}

/** Before the forget's transaction: the latest state of each snapshot with a hook, scrubbed. */
export async function scrubSnapshots(
  storage: Storage,
  configs: readonly ResolvedSnapshot[],
  context: ForgetContext,
  onError: (error: unknown) => void,
): Promise<ScrubbedSnapshots> {
  const out = new Map<string, { position: number; state: Kept } | 'failed'>()
  for (const config of configs) {
    if (!config.forget) continue
    const stored = await storage.loadCheckpoint(latestName(config.name), context.tenant)
    if (!stored || !usable(stored, config)) continue
    try {
      const state = scrubKept(config, stored.state as unknown as Kept, context)
      out.set(config.name, { position: stored.position, state })
    } catch (cause) {
      onError(hookFailed('snapshot', config.name, context.subject, cause))
      out.set(config.name, 'failed')
    }
  }
  return out
}

/** Inside the forget's transaction: every snapshot of the tenant without the subject's fields. */
export async function installForget(
  tx: StorageTx,
  configs: readonly ResolvedSnapshot[],
  first: number,
  scrubbed: ScrubbedSnapshots,
  context: ForgetContext,
  onError: (error: unknown) => void,
): Promise<Hole[]> {
  const { tenant } = context
  const holes: Hole[] = []
  for (const config of configs) {
    const pre = scrubbed.get(config.name)
    if (config.forget && pre !== 'failed') {
      const stored = await tx.loadCheckpoint(latestName(config.name), tenant)
      if (stored && usable(stored, config)) {
        let state = pre?.position === stored.position ? pre.state : undefined
        try {
          // Saved meanwhile (or not read before): scrubbed here, inside the lock.
          state ??= scrubKept(config, stored.state as unknown as Kept, context)
        } catch (cause) {
          onError(hookFailed('snapshot', config.name, context.subject, cause))
        }
        if (state) {
          await erasureTx(tx).deleteCheckpoints(tenant, keptPrefix(config.name), first)
          if (stored.position >= first) {
            await tx.saveCheckpoint(
              latestName(config.name),
              { ...stored, state: state as never },
              tenant,
            )
            holes.push({ name: config.name, first, until: stored.position })
          }
          continue
        }
      }
    }
    await rewindSnapshot(tx, tenant, first, {
      latest: latestName(config.name),
      kept: (p) => keptName(config.name, p),
      every: config.keepEvery,
      v: config.version,
    })
  }
  return holes
}

/**
 * Saves a snapshot's checkpoint only if no forget committed since its state started
 * (`erasures`: the tenant's count of erasures then) and, unless `expected` is `'any'`, the stored
 * one is still at `expected` (null: none). Without `erasures` (no personal data): a plain
 * compare-and-set. False when refused.
 */
export async function saveUnlessForgotten(
  storage: Storage,
  name: string,
  expected: number | null | 'any',
  checkpoint: Checkpoint,
  tenant: string,
  erasures: number | undefined,
): Promise<boolean> {
  if (erasures === undefined) {
    const at =
      expected === 'any'
        ? ((await storage.loadCheckpoint(name, tenant))?.position ?? null)
        : expected
    return storage.saveCheckpoint(name, at, checkpoint, tenant)
  }
  return storage.append(async (tx) => {
    const versions = await tx.streamVersions(tenant, [ERASURE_STREAM])
    if ((versions.get(ERASURE_STREAM) ?? 0) !== erasures) return false
    if (expected !== 'any') {
      const stored = await tx.loadCheckpoint(name, tenant)
      if ((stored?.position ?? null) !== expected) return false
    }
    await tx.saveCheckpoint(name, checkpoint, tenant)
    return true
  })
}
