/**
 * A store of the layout before tenant positions (and, older still, event ids unique per tenant),
 * with rows of two tenants, for the SQLite and PostgreSQL migration tests: both fill it their
 * way and check the same things after the adapter opened it.
 */
import { createEventServer, type Principal, type Storage } from '@strata/state/server'
import { expect } from 'vitest'
import { batch, events, postOk, readAll } from './helpers'

/** The old SQLite tables, as the adapter made them (ids unique per tenant: the oldest). */
export const OLD_SQLITE_TABLES = `
CREATE TABLE strata_events (
  position INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
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
);
CREATE UNIQUE INDEX strata_events_client ON strata_events (client_id, client_seq);
CREATE UNIQUE INDEX strata_events_stream ON strata_events (tenant, stream, stream_version);
CREATE UNIQUE INDEX strata_events_id ON strata_events (tenant, id);
CREATE TABLE strata_rejections (
  client_id TEXT NOT NULL,
  client_seq INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (client_id, client_seq)
) WITHOUT ROWID;
CREATE TABLE strata_clients (
  client_id TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  last_seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE strata_checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  state TEXT NOT NULL
) WITHOUT ROWID;`

/** The old PostgreSQL tables of schema `s`, as the adapter made them. */
export const oldPostgresTables = (s: string) => `
CREATE SCHEMA ${s};
CREATE TABLE ${s}.events (
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
CREATE TABLE ${s}.rejections (
  client_id text NOT NULL,
  client_seq bigint NOT NULL,
  fingerprint text NOT NULL,
  error jsonb NOT NULL,
  PRIMARY KEY (client_id, client_seq)
);
CREATE TABLE ${s}.clients (
  client_id text PRIMARY KEY,
  principal_id text NOT NULL,
  tenant text NOT NULL,
  last_seq bigint NOT NULL
);
CREATE TABLE ${s}.counter (
  id int PRIMARY KEY CHECK (id = 1),
  position bigint NOT NULL
);
INSERT INTO ${s}.counter VALUES (1, 4);
CREATE TABLE ${s}.checkpoints (
  name text PRIMARY KEY,
  position bigint NOT NULL,
  state jsonb NOT NULL
);`

const row = (position: number, tenant: string, clientId: string, seq: number, id: string) => [
  position,
  tenant,
  clientId,
  seq,
  id,
  `s-${clientId}`,
  seq,
  'added',
  JSON.stringify({ n: position }),
  1000 + position,
  null,
  `f${position}`,
]

/** Rows as the old layout held them: global positions, a global duplicate_id receipt. */
export const oldRows = {
  events: [
    row(1, 'a', 'ca', 1, 'same'),
    row(2, 'b', 'cb', 1, 'same'),
    row(3, 'a', 'ca', 2, 'x2'),
    row(4, 'b', 'cb', 2, 'y2'),
  ],
  // `empty` was made by an empty batch: it held an id and nothing else.
  clients: [
    ['ca', 'alice', 'a', 3],
    ['cb', 'bob', 'b', 2],
    ['empty', 'alice', 'a', 0],
  ],
  rejections: [
    [
      'ca',
      3,
      'f-dup',
      JSON.stringify({
        code: 'duplicate_id',
        message: 'already stored',
        path: ['id'],
        details: { id: 'x2', position: 'v1:3' },
      }),
    ],
  ],
  checkpoints: [['count', 4, JSON.stringify(4)]],
}

const people: Record<string, Principal> = {
  alice: { id: 'alice', tenant: 'a' },
  bob: { id: 'bob', tenant: 'b' },
}
const authorize = (request: Request) => people[request.headers.get('authorization') ?? '']

/** What a migrated store must hold and do, through the storage and the server. */
export async function expectMigrated(storage: Storage): Promise<void> {
  const a = await storage.read({ after: 0, limit: 10, tenant: 'a', clientIds: ['ca', 'empty'] })
  expect(a.events.map((e) => [e.position, e.tenantPosition, e.id])).toEqual([
    [1, 1, 'same'],
    [3, 2, 'x2'],
  ])
  expect(a.head).toBe(2)
  // The empty client is gone; the other keeps its principal and lastSeq.
  expect(a.clients).toEqual([{ clientId: 'ca', principalId: 'alice', tenant: 'a', lastSeq: 3 }])
  const b = await storage.read({ after: 0, limit: 10, tenant: 'b' })
  expect(b.events.map((e) => [e.position, e.tenantPosition])).toEqual([
    [2, 1],
    [4, 2],
  ])
  expect(await storage.head()).toBe(4)
  // The old checkpoint folded every tenant: it is the one over all tenants now.
  expect(await storage.loadCheckpoint('count')).toEqual({ position: 4, state: 4 })
  expect(await storage.loadCheckpoint('count', 'a')).toBeUndefined()
  await storage.append(async (tx) => {
    // The receipt names the tenant position of the client's own event now.
    const [receipt] = await tx.receipts('a', 'ca', 3, 3)
    expect(receipt?.error?.details?.position).toBe('v1:2')
    expect(await tx.receipts('b', 'ca', 1, 3)).toEqual([])
    expect(await tx.existingIds('a', 'ca', ['same', 'x2'])).toEqual(
      new Map([
        ['same', 1],
        ['x2', 2],
      ]),
    )
  })

  const server = createEventServer({ storage, authorize, onError: () => {} })
  try {
    // Each tenant goes on at its own next position; the same id per client is fine.
    const alice = await postOk(server, batch('ca', events('ca', 4, 1)), { authorization: 'alice' })
    expect(alice.results).toEqual([{ clientSeq: 4, status: 'applied', position: 'v1:3' }])
    const other = await postOk(server, batch('cb2', events('x', 1, 1, { id: 'same' })), {
      authorization: 'bob',
    })
    expect(other.results[0]?.position).toBe('v1:3')
    expect((await readAll(server, { authorization: 'bob' })).events.map((e) => e.position)).toEqual(
      ['v1:1', 'v1:2', 'v1:3'],
    )
    expect(await storage.head()).toBe(6)
  } finally {
    await server.close()
  }
}
