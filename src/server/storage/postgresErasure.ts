import type { Pool, PoolClient } from 'pg'
import { ERASURE_STREAM } from '../../protocol/personal'
import type { ErasureStorage, ErasureTx } from '../erasure/types'
import { scopeOf } from './rows'

type Queryable = Pool | PoolClient

/** The subject keys' table, made on start if missing (it needs no migration of the others). */
export async function createErasureTable(client: PoolClient, s: string): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS ${s}.subject_keys (
    tenant text NOT NULL,
    subject text NOT NULL,
    key bytea,
    PRIMARY KEY (tenant, subject)
  )`)
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
    addSubjectKeys: async (tenant, keys) => {
      if (!keys.size) return
      await client.query(
        `INSERT INTO ${s}.subject_keys (tenant, subject, key)
         SELECT $1, * FROM unnest($2::text[], $3::bytea[]) ON CONFLICT DO NOTHING`,
        [tenant, [...keys.keys()], [...keys.values()].map((k) => Buffer.from(k))],
      )
    },
    deleteSubjectKey: async (tenant, subject) => {
      const { rows } = await client.query(
        `SELECT key IS NOT NULL AS had FROM ${s}.subject_keys WHERE tenant = $1 AND subject = $2`,
        [tenant, subject],
      )
      await client.query(
        `INSERT INTO ${s}.subject_keys (tenant, subject, key) VALUES ($1, $2, NULL)
         ON CONFLICT (tenant, subject) DO UPDATE SET key = NULL`,
        [tenant, subject],
      )
      return rows[0]?.had === true
    },
    forgottenSubjects: async (tenant, subjects) => {
      const { rows } = await client.query(
        `SELECT subject FROM ${s}.subject_keys WHERE tenant = $1 AND subject = ANY($2::text[]) AND key IS NULL`,
        [tenant, [...new Set(subjects)]],
      )
      return new Set(rows.map((r) => r.subject as string))
    },
    deleteCheckpoints: async (tenant, prefix) => {
      await client.query(`DELETE FROM ${s}.checkpoints WHERE scope = $1 AND left(name, $2) = $3`, [
        scopeOf(tenant),
        prefix.length,
        prefix,
      ])
    },
  }
}

/**
 * A deleted row stays in its table's file as a dead tuple until VACUUM, and plain VACUUM leaves
 * its bytes in the page's free space: `VACUUM FULL` writes the key and checkpoint tables anew
 * and drops the old files. PostgreSQL's WAL segments keep the old rows until recycled, and
 * backups keep them for good: there only the events' ciphertext is safe.
 */
export function postgresErasureStorage(pool: Pool, s: string): ErasureStorage {
  return {
    subjectKeys: (tenant, subjects) => keysOf(pool, s, tenant, subjects),
    erasures: async (tenant) =>
      Number(
        (
          await pool.query(
            `SELECT coalesce(max(stream_version), 0) AS n FROM ${s}.events WHERE tenant = $1 AND stream = $2`,
            [tenant, ERASURE_STREAM],
          )
        ).rows[0].n,
      ),
    wipeDeleted: async () => {
      await pool.query(`VACUUM FULL ${s}.subject_keys, ${s}.checkpoints`)
    },
  }
}
