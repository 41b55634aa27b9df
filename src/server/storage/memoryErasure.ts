import type { ErasureStorage, ErasureTx } from '../erasure/types'

const keyOf = (tenant: string, subject: string) => `${tenant}\u0000${subject}`

/**
 * The memory store's subject keys. Writes of a transaction go to `staged` and are applied by
 * the store's commit (dropped if the append throws); checkpoints are named by `checkpointKey`.
 */
export function memoryErasure(
  checkpoints: Map<string, string>,
  checkpointKey: (name: string, tenant: string | undefined) => string,
) {
  // A checkpoint's key is `<name>\u0000<tenant or \u0001>`.
  const matcher = (tenant: string | undefined, prefix: string) => {
    const end = checkpointKey('', tenant)
    return (k: string) => k.startsWith(prefix) && k.endsWith(end)
  }
  const keys = new Map<string, Uint8Array>()
  /** The tenant position of each key's first sealed event. */
  const firsts = new Map<string, number>()
  const positionOf = (text: string) => (JSON.parse(text) as { position: number }).position
  /** Forgotten subjects (tombstones). */
  const forgotten = new Set<string>()
  /** Forgotten subjects whose forget's later steps are not done yet. */
  const due = new Set<string>()
  /** Forgets per tenant (the stores with SQL count their audit events instead). */
  const forgets = new Map<string, number>()
  const lookup = async (tenant: string, subjects: readonly string[]) => {
    const out = new Map<string, Uint8Array>()
    for (const subject of subjects) {
      const key = keys.get(keyOf(tenant, subject))
      if (key) out.set(subject, key)
    }
    return out
  }
  const storage: ErasureStorage = {
    subjectKeys: lookup,
    erasures: async (tenant) => forgets.get(tenant) ?? 0,
    firstSealed: async (tenant, subject) => {
      const k = keyOf(tenant, subject)
      return keys.has(k) || forgotten.has(k) ? (firsts.get(k) ?? null) : undefined
    },
    wipeDeleted: async () => {},
    forgetDone: async (tenant, subject) => {
      due.delete(keyOf(tenant, subject))
    },
  }
  const tx = (staged: (() => void)[], stagedCheckpoints: Map<string, string>): ErasureTx => {
    // What this transaction changed (null: forgotten), seen by its own reads as a database's.
    const mine = new Map<string, Uint8Array | null>()
    /** Keys this transaction deleted: their forget's later steps are due. */
    const deleted = new Set<string>()
    return {
      subjectKeys: async (tenant, subjects) => {
        const out = await lookup(tenant, subjects)
        for (const subject of subjects) {
          const own = mine.get(keyOf(tenant, subject))
          if (own === null) out.delete(subject)
          else if (own) out.set(subject, own)
        }
        return out
      },
      addSubjectKeys: async (tenant, added, first) => {
        for (const [subject, key] of added) {
          const k = keyOf(tenant, subject)
          if (!keys.has(k) && !forgotten.has(k) && !mine.has(k)) mine.set(k, key)
        }
        staged.push(() => {
          for (const [subject, key] of added) {
            const k = keyOf(tenant, subject)
            if (keys.has(k) || forgotten.has(k)) continue
            keys.set(k, key)
            const at = first?.get(subject)
            if (at !== undefined) firsts.set(k, at)
          }
        })
      },
      deleteSubjectKey: async (tenant, subject) => {
        const k = keyOf(tenant, subject)
        const had = mine.has(k) ? mine.get(k) !== null : keys.has(k)
        mine.set(k, null)
        if (had) deleted.add(k)
        staged.push(() => {
          keys.delete(k)
          forgotten.add(k)
          if (had) due.add(k)
          forgets.set(tenant, (forgets.get(tenant) ?? 0) + 1)
        })
        return had
      },
      forgetDue: async (tenant, subject) =>
        deleted.has(keyOf(tenant, subject)) || due.has(keyOf(tenant, subject)),
      forgottenSubjects: async (tenant, subjects) =>
        new Set(
          subjects.filter(
            (s) => forgotten.has(keyOf(tenant, s)) || mine.get(keyOf(tenant, s)) === null,
          ),
        ),
      deleteCheckpoints: async (tenant, prefix, from = 0) => {
        const named = matcher(tenant, prefix)
        const matches = (k: string, text: string) => named(k) && positionOf(text) >= from
        for (const [k, text] of stagedCheckpoints) if (matches(k, text)) stagedCheckpoints.delete(k)
        staged.push(() => {
          for (const [k, text] of [...checkpoints]) if (matches(k, text)) checkpoints.delete(k)
        })
      },
    }
  }
  return { storage, tx }
}
