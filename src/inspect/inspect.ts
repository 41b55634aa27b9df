import type { Store } from '@strata/state'
import { createInspectClient, type InspectClient } from './client'
import { createInspectHost, type InspectHost, type InspectHostOptions } from './host'
import { directTransport } from './transports'

export interface Inspection {
  host: InspectHost
  client: InspectClient
  close(): void
}

/** A host and a client for one store in the same page, linked by a direct transport. */
export function inspect(
  store: Store<any, any, any>,
  options: Omit<InspectHostOptions, 'transport'> = {},
): Inspection {
  const { host: hostEnd, client: clientEnd } = directTransport()
  const channel = options.name ?? 'default'
  // The host first: the client's first request for the meta is answered at once.
  const host = createInspectHost(store, { ...options, transport: hostEnd })
  const client = createInspectClient({ transport: clientEnd, channel })
  return {
    host,
    client,
    close() {
      client.close()
      host.close()
    },
  }
}
