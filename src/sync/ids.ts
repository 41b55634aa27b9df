/**
 * Ids of pulled events in the store's log.
 *
 * The server keeps event ids unique per client, `(clientId, id)`, not globally: another client
 * may store an event with the same id as one of ours (by chance, or on purpose, since ids are
 * predictable). The replica matches pulled events to pending local ones by id alone, so only the
 * events of this store's own clients keep their id; every other event gets
 * `remoteEventId(clientId, id)`. That id depends on the event alone, so it is the same on every
 * pull (a re-read from the start, another connection) and the replica's never-apply-twice check
 * keeps working; and it cannot be a local id, which never contains a `/`.
 */

/**
 * The id a store's log gives an event another client stored: `<clientId>/<id>`, with the
 * clientId URI-encoded so it holds no `/` and two different `(clientId, id)` pairs never meet
 * (`a/b` + `c` against `a` + `b/c`). Use it to find a remote event in `store.logs.events`.
 *
 * @example
 * remoteEventId('3f2c…', 'l2k9x0a1') // '3f2c…/l2k9x0a1'
 */
export function remoteEventId(clientId: string, id: string): string {
  return `${encodeURIComponent(clientId)}/${id}`
}

/**
 * The clientIds each store has synced as. A store connected again under a new clientId
 * (`persist: false`, React's double effects) re-reads events it settled under the old one: they
 * are still its own and keep their ids, or they would be applied a second time. Only clientIds
 * this store has used are here, and the server binds a clientId to the principal that first
 * used it, so no one else can store events under them.
 */
const ownClientIds = new WeakMap<object, Set<string>>()

/** Notes that `store` syncs as `clientId`; returns the set of all its clientIds. */
export function ownClients(store: object, clientId: string): ReadonlySet<string> {
  let own = ownClientIds.get(store)
  if (!own) {
    own = new Set()
    ownClientIds.set(store, own)
  }
  own.add(clientId)
  return own
}

/** The id a pulled event gets in the log: its own for this store's clients, else prefixed. */
export function localEventId(
  own: ReadonlySet<string>,
  event: { clientId: string; id: string },
): string {
  return own.has(event.clientId) ? event.id : remoteEventId(event.clientId, event.id)
}
