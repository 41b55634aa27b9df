/** Tables of one store in its own schema, so several stores (or test runs) share a database. */
export function postgresSchema(s: string): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.events (
  position bigint PRIMARY KEY,
  tenant text NOT NULL,
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
  UNIQUE (client_id, client_seq),
  UNIQUE (tenant, stream, stream_version),
  UNIQUE (client_id, id)
);
-- Event ids are unique per client, not per tenant: another client's event with the same id is a
-- different event. Stores made before kept (tenant, id) unique (events_tenant_id_key): add the
-- new constraint first, then drop the old one, so ids are never unguarded. Looked up in the
-- catalog so a start that has nothing to change takes no lock on the events table.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint
                 WHERE conrelid = '${s}.events'::regclass AND conname = 'events_client_id_id_key') THEN
    ALTER TABLE ${s}.events ADD CONSTRAINT events_client_id_id_key UNIQUE (client_id, id);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint
             WHERE conrelid = '${s}.events'::regclass AND conname = 'events_tenant_id_key') THEN
    ALTER TABLE ${s}.events DROP CONSTRAINT events_tenant_id_key;
  END IF;
END $$;
CREATE TABLE IF NOT EXISTS ${s}.rejections (
  client_id text NOT NULL,
  client_seq bigint NOT NULL,
  fingerprint text NOT NULL,
  error jsonb NOT NULL,
  PRIMARY KEY (client_id, client_seq)
);
CREATE TABLE IF NOT EXISTS ${s}.clients (
  client_id text PRIMARY KEY,
  principal_id text NOT NULL,
  tenant text NOT NULL,
  last_seq bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.counter (
  id int PRIMARY KEY CHECK (id = 1),
  position bigint NOT NULL
);
INSERT INTO ${s}.counter VALUES (1, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS ${s}.checkpoints (
  name text PRIMARY KEY,
  position bigint NOT NULL,
  state jsonb NOT NULL
);`
}
