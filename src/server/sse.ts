import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { decodeToken, encodeToken, type PokeMessage, StrataWireError } from '../protocol'
import { tenantOf } from './auth'
import type { Fanout } from './fanout'
import { fromStorage } from './respond'
import type { Signal } from './signal'
import { holderOf, type Slots } from './slots'
import type { Limits, Principal, Storage } from './types'
import { watchVisible } from './visibleHeads'

export interface StreamDeps {
  storage: Storage
  fanout: Fanout
  streams: Slots
  limits: Limits
  closing: Signal<void>
}

/**
 * `GET /events/stream?after=<token>`: Server-Sent Events that poke the client whenever its
 * tenant has events after its position (`event: poke`, data `{"head":"v1:12"}`, id the head
 * token). Pokes carry no events: the client pulls them with `GET /events`, which keeps one path
 * for reading. A principal of some streams is not poked for commits of only the others. The stream's `id` lets EventSource resume with `Last-Event-ID`; a resume token
 * ahead of the tenant's head is refused with `bad_token`, as `GET /events` refuses it.
 */
export async function eventStream(
  c: Context,
  { storage, fanout, streams, limits, closing }: StreamDeps,
  principal: Principal,
): Promise<Response> {
  const tenant = tenantOf(principal)
  const resume = c.req.query('after') ?? c.req.header('last-event-id') ?? undefined
  let sent = resume === undefined ? 0 : decodeToken(resume, ['after'])
  const head = await fromStorage(storage.head(tenant))
  if (sent > head) {
    throw new StrataWireError(
      'bad_token',
      `The token is ahead of this store (head ${head}); was the store reset? Read again from the start`,
      { path: ['after'], details: { head: encodeToken(head) } },
    )
  }
  const release = streams.take(holderOf(principal))
  c.header('x-accel-buffering', 'no')
  return streamSSE(c, async (stream) => {
    let stop = () => {}
    const stopped = new Promise<void>((resolve) => (stop = resolve))
    // One write at a time; pokes that come meanwhile collapse into the newest head, so a client
    // that stopped reading holds one pending poke, not one per commit.
    let writing = false
    let latest = head
    const poke = async (next: number) => {
      latest = Math.max(latest, next)
      if (writing || latest <= sent || stream.aborted) return
      writing = true
      while (latest > sent && !stream.aborted) {
        sent = latest
        const token = encodeToken(sent)
        const message: PokeMessage = { head: token }
        await stream.writeSSE({ event: 'poke', id: token, data: JSON.stringify(message) })
      }
      writing = false
    }
    // A principal of some streams is poked only for what it is served (visibleHeads.ts).
    const unwatch =
      principal.canRead === undefined
        ? fanout.watch(tenant, (next) => void poke(next))
        : watchVisible(
            { storage, fanout, limits },
            principal,
            tenant,
            head,
            (next) => void poke(next),
          )
    const heartbeat = setInterval(() => void stream.write(': ping\n\n'), limits.heartbeatMs)
    const unclose = closing.subscribe(stop)
    stream.onAbort(stop)
    try {
      await stream.write('retry: 1000\n\n')
      await poke(head)
      await stopped
    } finally {
      unwatch()
      unclose()
      clearInterval(heartbeat)
      release()
    }
  })
}
