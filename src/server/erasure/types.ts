/**
 * What erasure needs of a store, inside an append's write transaction: the per-subject keys of
 * crypto-shredding (in their own table, keyed by tenant and subject: erasure is tenant-scoped)
 * and dropping derived states that held a forgotten subject's data.
 */
export interface ErasureTx {
  /** The stored keys of these subjects of the tenant; a forgotten subject has none. */
  subjectKeys(tenant: string, subjects: readonly string[]): Promise<Map<string, Uint8Array>>
  /** Stores keys for subjects that have none. */
  addSubjectKeys(tenant: string, keys: ReadonlyMap<string, Uint8Array>): Promise<void>
  /**
   * Deletes a subject's key and leaves a tombstone (a row without key): true when there was a
   * key. A forgotten subject stays forgotten: events naming it later (an offline client's, sent
   * after the erasure) are stored with the fields erased.
   */
  deleteSubjectKey(tenant: string, subject: string): Promise<boolean>
  /** Those of `subjects` that were forgotten (tombstones). */
  forgottenSubjects(tenant: string, subjects: readonly string[]): Promise<Set<string>>
  /** Deletes the checkpoints whose names start with `prefix`: a tenant's, or those over all. */
  deleteCheckpoints(tenant: string | undefined, prefix: string): Promise<void>
}

/** The same outside a transaction, for reads; and the clean-up after a forget. */
export interface ErasureStorage {
  subjectKeys(tenant: string, subjects: readonly string[]): Promise<Map<string, Uint8Array>>
  /**
   * How many times a subject of the tenant was forgotten (the version of its `$strata/erasure`
   * stream): caches of keys and opened fields are good while it stays the same.
   */
  erasures(tenant: string): Promise<number>
  /**
   * Makes what deleted rows left behind unreadable in the store's files: SQLite (which deletes
   * with `secure_delete` on) truncates its WAL; PostgreSQL rewrites the key and checkpoint tables
   * (`VACUUM FULL`). Neither reaches copies outside the store: backups, PostgreSQL's WAL
   * segments until they are recycled.
   */
  wipeDeleted(): Promise<void>
}
