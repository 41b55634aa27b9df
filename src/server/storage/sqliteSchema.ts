import type BetterSqlite3 from 'better-sqlite3'

/** `PRAGMA user_version` of the layout below. Stores made before it have 0. */
export const SQLITE_SCHEMA_VERSION = 2

const EVENTS = (name: string) => `
CREATE TABLE ${name} (
  position INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  tenant_position INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  client_seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  stream TEXT NOT NULL,
  stream_version INTEGER NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  at REAL NOT NULL,
  command_id TEXT,
  fingerprint TEXT NOT NULL
);`
const REJECTIONS = (name: string) => `
CREATE TABLE ${name} (
  tenant TEXT NOT NULL,
  client_id TEXT NOT NULL,
  client_seq INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (tenant, client_id, client_seq)
) WITHOUT ROWID;`
const CLIENTS = (name: string) => `
CREATE TABLE ${name} (
  tenant TEXT NOT NULL,
  client_id TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY (tenant, client_id)
) WITHOUT ROWID;`
// scope: 'all' for a projection over every tenant, 't:<tenant>' for one tenant's.
const CHECKPOINTS = (name: string) => `
CREATE TABLE ${name} (
  name TEXT NOT NULL,
  scope TEXT NOT NULL,
  position INTEGER NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (name, scope)
) WITHOUT ROWID;`
// Event ids and client ids are per tenant: the same client id in two tenants is two clients.
// Built after a migration's copy, which is faster than filling indexed tables.
const INDEXES = `
CREATE UNIQUE INDEX strata_events_tenant_position ON strata_events (tenant, tenant_position);
CREATE UNIQUE INDEX strata_events_client ON strata_events (tenant, client_id, client_seq);
CREATE UNIQUE INDEX strata_events_stream ON strata_events (tenant, stream, stream_version);
CREATE UNIQUE INDEX strata_events_client_id ON strata_events (tenant, client_id, id);`

const FRESH = `${EVENTS('strata_events')}${REJECTIONS('strata_rejections')}${CLIENTS('strata_clients')}${CHECKPOINTS('strata_checkpoints')}${INDEXES}`

/**
 * From the layout before tenant positions (version 0): positions were global only, and client
 * ids, receipts and checkpoints global too. Each table is rebuilt in the new layout: events get
 * their tenant position (in global order within each tenant), receipts the tenant of their
 * client, a `duplicate_id` receipt the tenant position of the event it names, checkpoints the
 * scope `all` (they folded every tenant). Clients that never stored anything (made by empty
 * batches) are dropped: they only held an id.
 */
const FROM_V0 = `
${EVENTS('strata_events_v2')}
INSERT INTO strata_events_v2
  SELECT position, tenant, row_number() OVER (PARTITION BY tenant ORDER BY position),
         client_id, client_seq, id, stream, stream_version, type, payload, at, command_id, fingerprint
  FROM strata_events;
DROP TABLE strata_events;
ALTER TABLE strata_events_v2 RENAME TO strata_events;
${CLIENTS('strata_clients_v2')}
INSERT INTO strata_clients_v2
  SELECT tenant, client_id, principal_id, last_seq FROM strata_clients WHERE last_seq > 0;
${REJECTIONS('strata_rejections_v2')}
INSERT INTO strata_rejections_v2
  SELECT coalesce((SELECT c.tenant FROM strata_clients c WHERE c.client_id = r.client_id), ''),
         r.client_id, r.client_seq, r.fingerprint,
         CASE WHEN json_extract(r.error, '$.code') = 'duplicate_id' THEN coalesce(json_set(r.error,
           '$.details.position', 'v1:' || (SELECT e.tenant_position FROM strata_events e
             WHERE e.position = CAST(substr(json_extract(r.error, '$.details.position'), 4) AS INTEGER))),
           r.error) ELSE r.error END
  FROM strata_rejections r;
DROP TABLE strata_rejections;
ALTER TABLE strata_rejections_v2 RENAME TO strata_rejections;
DROP TABLE strata_clients;
ALTER TABLE strata_clients_v2 RENAME TO strata_clients;
${CHECKPOINTS('strata_checkpoints_v2')}
INSERT INTO strata_checkpoints_v2 SELECT name, 'all', position, state FROM strata_checkpoints;
DROP TABLE strata_checkpoints;
ALTER TABLE strata_checkpoints_v2 RENAME TO strata_checkpoints;
${INDEXES}`

/**
 * Creates the tables, or moves a store of an older layout to this one, in one write
 * transaction: a second process opening the same file waits for it, then finds nothing to do.
 */
export function migrateSqlite(db: BetterSqlite3.Database): void {
  db.exec('BEGIN IMMEDIATE')
  try {
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > SQLITE_SCHEMA_VERSION) {
      throw new Error(
        `[strata] this SQLite store has layout ${version}, newer than this server's ${SQLITE_SCHEMA_VERSION}: upgrade @strata/state`,
      )
    }
    if (version < SQLITE_SCHEMA_VERSION) {
      const exists = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'strata_events'")
        .get()
      db.exec(exists ? FROM_V0 : FRESH)
      db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`)
    }
    db.exec('COMMIT')
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw error
  }
}
