import type { Storage } from '@strata/state/server'
import { erasureContract } from './suite.erasure'
import { erasureAuditContract } from './suite.erasure.audit'
import { erasureHooksContract } from './suite.erasure.hooks'
import { erasureRefoldContract } from './suite.erasure.refold'
import { projectionContract } from './suite.projections'
import { readTextContract } from './suite.readText'
import { serverContract } from './suite.server'
import { serverIdsAndLimitsContract } from './suite.server.ids'
import { serverTenantsContract } from './suite.server.tenants'
import { snapshotContract } from './suite.snapshots'
import { storageContract } from './suite.storage'
import { tableContract, tablesNeedSql } from './suite.tables'

export interface StorageFactory {
  /** A fresh, empty store. */
  make(): Promise<Storage>
  /** Whether the store runs SQL (table projections). */
  sql?: boolean
  /**
   * A second connection, as another process would open, to a store `make` made. Not SQLite's:
   * one thread blocks in its busy wait while the other connection's transaction awaits.
   */
  reopen?(storage: Storage): Promise<Storage>
}

/** The one suite every storage adapter must pass (as livestore runs its sync-provider tests). */
export function describeStorage(factory: StorageFactory): void {
  storageContract(factory)
  serverContract(factory)
  serverIdsAndLimitsContract(factory)
  serverTenantsContract(factory)
  projectionContract(factory)
  snapshotContract(factory)
  erasureContract(factory)
  erasureAuditContract(factory)
  erasureRefoldContract(factory)
  erasureHooksContract(factory)
  readTextContract(factory)
  if (factory.sql) tableContract(factory)
  else tablesNeedSql(factory)
}
