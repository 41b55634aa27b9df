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
  UNIQUE (tenant, id)
);
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
