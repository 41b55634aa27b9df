/**
 * What erasure needs of a store, inside an append's write transaction: the per-subject keys of
 * crypto-shredding (in their own table, keyed by tenant and subject: erasure is tenant-scoped)
 * and dropping derived states that held a forgotten subject's data.
 */
export interface ErasureTx {
  /** The stored keys of these subjects of the tenant; a forgotten subject has none. */
  subjectKeys(tenant: string, subjects: readonly string[]): Promise<Map<string, Uint8Array>>
  /**
   * Stores keys for subjects that have none, each with the tenant position of the first event it
   * sealed (`firsts`), so a forget knows where the subject's fields start without a scan.
   */
  addSubjectKeys(
    tenant: string,
    keys: ReadonlyMap<string, Uint8Array>,
    firsts?: ReadonlyMap<string, number>,
  ): Promise<void>
  /**
   * Deletes a subject's key and leaves a tombstone (a row without key): true when there was a
   * key. A forgotten subject stays forgotten: events naming it later (an offline client's, sent
   * after the erasure) are stored with the fields erased. A key deleted leaves the forget's
   * later steps due (`forgetDue`) until `forgetDone`.
   */
  deleteSubjectKey(tenant: string, subject: string): Promise<boolean>
  /**
   * Whether the steps after a forget of the subject (scrubbing table projections) are still
   * due: its key was deleted and no forget of it has finished them since, a crash or a failed
   * step between. A forget tried again finishes them. Absent: due only when a key was deleted.
   */
  forgetDue?(tenant: string, subject: string): Promise<boolean>
  /** Those of `subjects` that were forgotten (tombstones). */
  forgottenSubjects(tenant: string, subjects: readonly string[]): Promise<Set<string>>
  /**
   * Deletes the checkpoints whose names start with `prefix` (a tenant's, or those over all), in
   * one statement; with `from`, only those at that position or later.
   */
  deleteCheckpoints(tenant: string | undefined, prefix: string, from?: number): Promise<void>
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
   * The tenant position of the first event sealed under the subject's key, as its key row (or
   * tombstone, once forgotten) recorded it: undefined for a subject that never had a key, null
   * for a key made before rows recorded it.
   */
  firstSealed?(tenant: string, subject: string): Promise<number | null | undefined>
  /**
   * Makes what deleted rows left behind unreadable in the store's files: SQLite (which deletes
   * with `secure_delete` on) truncates its WAL; PostgreSQL rewrites the key and checkpoint tables
   * (`VACUUM FULL`). Neither reaches copies outside the store: backups, PostgreSQL's WAL
   * segments until they are recycled.
   */
  wipeDeleted(): Promise<void>
  /** The steps after a forget of the subject are done: `forgetDue` reads false from now on. */
  forgetDone?(tenant: string, subject: string): Promise<void>
}
