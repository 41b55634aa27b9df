import type { Pool, PoolClient } from 'pg'
import { ERASURE_STREAM } from '../../protocol/personal'
import type { ErasureStorage, ErasureTx } from '../erasure/types'
import { coalesced } from './coalesce'
import { prefixEnd, scopeOf } from './rows'

type Queryable = Pool | PoolClient

/** The subject keys' table, made on start if missing (it needs no migration of the others). */
export async function createErasureTable(client: PoolClient, s: string): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS ${s}.subject_keys (
    tenant text NOT NULL,
    subject text NOT NULL,
    key bytea,
    first_position bigint,
    due boolean,
    PRIMARY KEY (tenant, subject)
  )`)
  // Kept states are found by a prefix of their names (a forget drops a snapshot's, a page back
  // after one finds the nearest): ranges in code point order, as the names' bytes, whatever the
  // database's collation. Made here, on start, for stores made before it.
  await client.query(
    `CREATE INDEX IF NOT EXISTS checkpoints_scope_name ON ${s}.checkpoints (scope, name COLLATE "C")`,
  )
  // A table made before keys recorded where their subject starts: its rows read null (a scan);
  // one made before forgets recorded their later steps as due (`due`: true until done).
  await client.query(
    `ALTER TABLE ${s}.subject_keys ADD COLUMN IF NOT EXISTS first_position bigint, ADD COLUMN IF NOT EXISTS due boolean`,
  )
}

async function keysOf(db: Queryable, s: string, tenant: string, subjects: readonly string[]) {
  const out = new Map<string, Uint8Array>()
  if (!subjects.length) return out
  const { rows } = await db.query(
    `SELECT subject, key FROM ${s}.subject_keys WHERE tenant = $1 AND subject = ANY($2::text[]) AND key IS NOT NULL`,
    [tenant, [...new Set(subjects)]],
  )
  for (const row of rows) out.set(row.subject as string, new Uint8Array(row.key as Buffer))
  return out
}

export function postgresErasureTx(client: PoolClient, s: string): ErasureTx {
  return {
    subjectKeys: (tenant, subjects) => keysOf(client, s, tenant, subjects),
    addSubjectKeys: async (tenant, keys, firsts) => {
      if (!keys.size) return
      const subjects = [...keys.keys()]
      await client.query(
        `INSERT INTO ${s}.subject_keys (tenant, subject, key, first_position)
         SELECT $1, * FROM unnest($2::text[], $3::bytea[], $4::bigint[]) ON CONFLICT DO NOTHING`,
        [
          tenant,
          subjects,
          [...keys.values()].map((k) => Buffer.from(k)),
          subjects.map((subject) => firsts?.get(subject) ?? null),
        ],
      )
    },
    deleteSubjectKey: async (tenant, subject) => {
      const { rows } = await client.query(
        `SELECT key IS NOT NULL AS had FROM ${s}.subject_keys WHERE tenant = $1 AND subject = $2`,
        [tenant, subject],
      )
      const had = rows[0]?.had === true
      await client.query(
        `INSERT INTO ${s}.subject_keys (tenant, subject, key, due) VALUES ($1, $2, NULL, $3)
         ON CONFLICT (tenant, subject) DO UPDATE SET key = NULL, due = coalesce(excluded.due, ${s}.subject_keys.due)`,
        [tenant, subject, had || null],
      )
      return had
    },
    forgetDue: async (tenant, subject) => {
      const { rows } = await client.query(
        `SELECT due FROM ${s}.subject_keys WHERE tenant = $1 AND subject = $2`,
        [tenant, subject],
      )
      return rows[0]?.due === true
    },
    forgottenSubjects: async (tenant, subjects) => {
      const { rows } = await client.query(
        `SELECT subject FROM ${s}.subject_keys WHERE tenant = $1 AND subject = ANY($2::text[]) AND key IS NULL`,
        [tenant, [...new Set(subjects)]],
      )
      return new Set(rows.map((r) => r.subject as string))
    },
    deleteCheckpoints: async (tenant, prefix, from = 0) => {
      // A range of checkpoints_scope_name, not a scan of every tenant's checkpoints; left() is
      // kept for a prefix without an end (none of Strata's: theirs end in ASCII).
      const end = prefixEnd(prefix)
      await client.query(
        end === undefined
          ? `DELETE FROM ${s}.checkpoints WHERE scope = $1 AND left(name, length($2)) = $2 AND position >= $3`
          : `DELETE FROM ${s}.checkpoints WHERE scope = $1 AND name COLLATE "C" >= $2
             AND name COLLATE "C" < $4 AND position >= $3`,
        end === undefined ? [scopeOf(tenant), prefix, from] : [scopeOf(tenant), prefix, from, end],
      )
    },
  }
}

/**
 * A deleted row stays in its table's file as a dead tuple until VACUUM, and plain VACUUM leaves
 * its bytes in the page's free space: `VACUUM FULL` writes the key, checkpoint and table
 * projection tables anew and drops the old files (a cost of every tenant's rows, under a lock
 * that holds their writes and views meanwhile; only after a forget that deleted a key). The WAL still holds every row as it was written (keys, derived
 * states); a checkpoint after a switch to a new segment lets PostgreSQL remove the segments
 * before it, which it deletes with `wal_recycle = off` (on, it renames them for reuse, bytes and
 * all). WAL archives, replicas' WAL and backups keep their copies.
 */
export function postgresErasureStorage(pool: Pool, s: string): ErasureStorage {
  return {
    subjectKeys: (tenant, subjects) => keysOf(pool, s, tenant, subjects),
    firstSealed: async (tenant, subject) => {
      const { rows } = await pool.query(
        `SELECT first_position FROM ${s}.subject_keys WHERE tenant = $1 AND subject = $2`,
        [tenant, subject],
      )
      const first = rows[0]?.first_position as string | null | undefined
      return first === undefined ? undefined : first === null ? null : Number(first)
    },
    erasures: async (tenant) =>
      Number(
        (
          await pool.query(
            `SELECT coalesce(max(stream_version), 0) AS n FROM ${s}.events WHERE tenant = $1 AND stream = $2`,
            [tenant, ERASURE_STREAM],
          )
        ).rows[0].n,
      ),
    forgetDone: async (tenant, subject) => {
      await pool.query(
        `UPDATE ${s}.subject_keys SET due = NULL WHERE tenant = $1 AND subject = $2 AND due IS NOT NULL`,
        [tenant, subject],
      )
    },
    // One VACUUM FULL at a time however many forget at once, and a pause after each (coalesce.ts):
    // it locks every tenant's key, checkpoint and projection tables while it runs, about their
    // size's rewrite (measured: 1M rows of 126 MB in one table projection, 1.2 s).
    wipeDeleted: coalesced(
      async () => {
        // Table projections' rows too: a forget's hook (UPDATE) or a tenant's rebuild (DELETE)
        // leaves the old row, the forgotten fields in clear, as a dead tuple. Their names are
        // the store's own (tp_<projection>_g<n>[r]_<table>, checked when declared).
        const { rows: projected } = await pool.query(
          "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename LIKE 'tp\\_%'",
          [s],
        )
        const tables = projected.map((r) => `, ${s}.${r.tablename as string}`).join('')
        await pool.query(`VACUUM FULL ${s}.subject_keys, ${s}.checkpoints${tables}`)
        try {
          await pool.query('CHECKPOINT')
          await pool.query('SELECT pg_switch_wal()')
          await pool.query('CHECKPOINT')
        } catch (error) {
          if ((error as { code?: string }).code !== '42501') throw error
          warnOnce(
            "the server role may not run CHECKPOINT and pg_switch_wal(), so the WAL segments that hold a forgotten subject's key and derived states stay until PostgreSQL removes them: GRANT pg_checkpoint and EXECUTE ON FUNCTION pg_switch_wal() to it",
          )
          return
        }
        const { rows } = await pool.query('SHOW wal_recycle')
        if (rows[0]?.wal_recycle === 'on') {
          warnOnce(
            "wal_recycle is on, so PostgreSQL renames old WAL segments for reuse and a forgotten subject's key and derived states stay in pg_wal until overwritten: set wal_recycle = off",
          )
        }
      },
      { pause: true },
    ),
  }
}

const warned = new Set<string>()
function warnOnce(message: string): void {
  if (warned.has(message)) return
  warned.add(message)
  console.warn(`[strata] erasure on PostgreSQL: ${message}`)
}
