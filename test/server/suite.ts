import type { Storage } from '@strata/state/server'
import { erasureContract } from './suite.erasure'
import { projectionContract } from './suite.projections'
import { serverContract } from './suite.server'
import { serverIdsAndLimitsContract } from './suite.server.ids'
import { serverTenantsContract } from './suite.server.tenants'
import { snapshotContract } from './suite.snapshots'
import { storageContract } from './suite.storage'

export interface StorageFactory {
  /** A fresh, empty store. */
  make(): Promise<Storage>
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
}
