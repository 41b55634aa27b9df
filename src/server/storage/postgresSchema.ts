import type { PoolClient } from 'pg'

/** `version` in `<schema>.schema_version` of the layout below. Stores made before have none. */
export const POSTGRES_SCHEMA_VERSION = 2

/** Tables of one store in its own schema, so several stores (or test runs) share a database. */
function fresh(s: string): string {
  return `
CREATE TABLE ${s}.events (
  position bigint PRIMARY KEY,
  tenant text NOT NULL,
  tenant_position bigint NOT NULL,
  client_id text NOT NULL,
  client_seq bigint NOT NULL,
  id text NOT NULL,
  stream text NOT NULL,
  stream_version bigint NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  at double precision NOT NULL,
  command_id text,
  fingerprint text NOT NULL,
  CONSTRAINT events_tenant_tenant_position_key UNIQUE (tenant, tenant_position),
  CONSTRAINT events_tenant_client_id_client_seq_key UNIQUE (tenant, client_id, client_seq),
  CONSTRAINT events_tenant_stream_stream_version_key UNIQUE (tenant, stream, stream_version),
  CONSTRAINT events_tenant_client_id_id_key UNIQUE (tenant, client_id, id)
);
CREATE TABLE ${s}.rejections (
  tenant text NOT NULL,
  client_id text NOT NULL,
  client_seq bigint NOT NULL,
  fingerprint text NOT NULL,
  error jsonb NOT NULL,
  PRIMARY KEY (tenant, client_id, client_seq)
);
CREATE TABLE ${s}.clients (
  tenant text NOT NULL,
  client_id text NOT NULL,
  principal_id text NOT NULL,
  last_seq bigint NOT NULL,
  PRIMARY KEY (tenant, client_id)
);
CREATE TABLE ${s}.counter (
  id int PRIMARY KEY CHECK (id = 1),
  position bigint NOT NULL
);
INSERT INTO ${s}.counter VALUES (1, 0);
-- scope: 'all' for a projection over every tenant, 't:<tenant>' for one tenant's.
CREATE TABLE ${s}.checkpoints (
  name text NOT NULL,
  scope text NOT NULL,
  position bigint NOT NULL,
  state jsonb NOT NULL,
  PRIMARY KEY (name, scope)
);`
}

/**
 * From the layout before tenant positions: positions, client ids, receipts and checkpoints were
 * global. Events get their tenant position (global order within each tenant), receipts the
 * tenant of their client and a `duplicate_id` receipt the tenant position of the event it names,
 * checkpoints the scope `all` (they folded every tenant); clients that never stored anything
 * (made by empty batches) are dropped. Stores older still kept ids unique per tenant
 * (`events_tenant_id_key`): that goes too.
 */
function fromV0(s: string): string {
  return `
ALTER TABLE ${s}.events DROP CONSTRAINT IF EXISTS events_tenant_id_key;
ALTER TABLE ${s}.events DROP CONSTRAINT IF EXISTS events_client_id_id_key;
ALTER TABLE ${s}.events DROP CONSTRAINT IF EXISTS events_client_id_client_seq_key;
ALTER TABLE ${s}.events ADD COLUMN tenant_position bigint;
UPDATE ${s}.events e SET tenant_position = r.n
  FROM (SELECT position, row_number() OVER (PARTITION BY tenant ORDER BY position) AS n
        FROM ${s}.events) r
  WHERE e.position = r.position;
ALTER TABLE ${s}.events ALTER COLUMN tenant_position SET NOT NULL,
  ADD CONSTRAINT events_tenant_tenant_position_key UNIQUE (tenant, tenant_position),
  ADD CONSTRAINT events_tenant_client_id_client_seq_key UNIQUE (tenant, client_id, client_seq),
  ADD CONSTRAINT events_tenant_client_id_id_key UNIQUE (tenant, client_id, id);
ALTER TABLE ${s}.rejections ADD COLUMN tenant text;
UPDATE ${s}.rejections r
  SET tenant = coalesce((SELECT c.tenant FROM ${s}.clients c WHERE c.client_id = r.client_id), '');
UPDATE ${s}.rejections r
  SET error = jsonb_set(r.error, '{details,position}', to_jsonb('v1:' || e.tenant_position))
  FROM ${s}.events e
  WHERE r.error->>'code' = 'duplicate_id'
    AND e.position = substr(r.error->'details'->>'position', 4)::bigint;
ALTER TABLE ${s}.rejections ALTER COLUMN tenant SET NOT NULL,
  DROP CONSTRAINT rejections_pkey, ADD PRIMARY KEY (tenant, client_id, client_seq);
DELETE FROM ${s}.clients WHERE last_seq = 0;
ALTER TABLE ${s}.clients DROP CONSTRAINT clients_pkey, ADD PRIMARY KEY (tenant, client_id);
ALTER TABLE ${s}.checkpoints ADD COLUMN scope text NOT NULL DEFAULT 'all';
ALTER TABLE ${s}.checkpoints ALTER COLUMN scope DROP DEFAULT,
  DROP CONSTRAINT checkpoints_pkey, ADD PRIMARY KEY (name, scope);`
}

/**
 * Creates the store's tables or moves an older layout to this one, inside the caller's
 * transaction (which holds the store's advisory lock, so two processes starting at once do not
 * race). A start that finds the current layout reads two catalog entries and takes no lock on
 * the tables.
 */
export async function migratePostgres(client: PoolClient, s: string): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`)
  const found = (
    await client.query('SELECT to_regclass($1) AS events, to_regclass($2) AS version', [
      `${s}.events`,
      `${s}.schema_version`,
    ])
  ).rows[0]
  if (found.version) {
    const version = Number(
      (await client.query(`SELECT version FROM ${s}.schema_version`)).rows[0].version,
    )
    if (version > POSTGRES_SCHEMA_VERSION) {
      throw new Error(
        `[strata] PostgreSQL schema ${s} has layout ${version}, newer than this server's ${POSTGRES_SCHEMA_VERSION}: upgrade @strata/state`,
      )
    }
    return
  }
  await client.query(found.events ? fromV0(s) : fresh(s))
  await client.query(`
CREATE TABLE ${s}.schema_version (id int PRIMARY KEY CHECK (id = 1), version int NOT NULL);
INSERT INTO ${s}.schema_version VALUES (1, ${POSTGRES_SCHEMA_VERSION});`)
}
