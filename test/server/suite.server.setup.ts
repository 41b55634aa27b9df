import {
  createEventServer,
  type EventServerOptions,
  type Principal,
  type Storage,
} from '@strata/state/server'
import { afterEach } from 'vitest'
import type { StorageFactory } from './suite'

export const users: Record<string, Principal> = {
  alice: {
    id: 'alice',
    tenant: 'acme',
    canWrite: (s) => !s.startsWith('admin'),
    canRead: (s) => !s.startsWith('secret'),
  },
  bob: { id: 'bob', tenant: 'acme' },
  eve: { id: 'eve', tenant: 'evil' },
  root: { id: 'root', tenant: 'acme', admin: true },
  mallory: { id: 'mallory', tenant: 'evil', admin: true },
}
export const authorize = (request: Request) =>
  users[request.headers.get('authorization')?.replace('Bearer ', '') ?? ''] ?? null
export const as = (user: string) => ({ authorization: `Bearer ${user}` })

/** Starts event servers on fresh stores of `factory`, closed after each test. */
export function serverStarter(factory: StorageFactory) {
  const cleanup: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const fn of cleanup.splice(0)) await fn()
  })
  return async (options: Partial<EventServerOptions> = {}, wrap?: (s: Storage) => Storage) => {
    const storage = await factory.make()
    let server: ReturnType<typeof createEventServer>
    try {
      server = createEventServer({
        storage: wrap ? wrap(storage) : storage,
        onError: () => {},
        ...options,
      })
    } catch (error) {
      // A refused config: the storage is the test's to close (PostgreSQL's listener holds a
      // pool client, and the pool would never end).
      await storage.close()
      throw error
    }
    cleanup.push(async () => {
      await server.close()
      await storage.close()
    })
    return { server, storage }
  }
}
