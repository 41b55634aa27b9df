import type { Pool, PoolClient } from 'pg'

/** How long an append may wait for the append lock, and sit idle holding it. */
export interface AppendTimeouts {
  lockTimeoutMs: number
  idleInTransactionTimeoutMs: number
  /** Retries of an append that timed out on the lock stop once this much time has gone by. */
  budgetMs: number
}

/**
 * BEGIN ... COMMIT on one pooled connection, `setup` first (SET LOCAL ...); ROLLBACK on any
 * error, dropping a connection that broke.
 */
export async function transaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  setup?: string,
): Promise<T> {
  const client = await pool.connect()
  let broken: Error | undefined
  // A session ended by the server (the idle timeout, a restart) errors on the client while no
  // query runs; unheard, that error would crash the process. The next query fails instead.
  const onError = (error: Error) => {
    broken = error
  }
  client.on('error', onError)
  try {
    await client.query(setup ? `BEGIN; ${setup}` : 'BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e
    })
    throw error
  } finally {
    client.off('error', onError)
    client.release(broken)
  }
}

/** lock_not_available: `lock_timeout` ran out while waiting for a lock. */
const LOCK_TIMEOUT = '55P03'

/**
 * An append transaction that cannot be held up for ever by another. Every append locks the
 * counter row first; a process frozen (SIGSTOP, a long GC pause, a network partition) while it
 * holds that lock would otherwise stall every append of every process. Here an append waits at
 * most `lockTimeoutMs` for the lock and tries again, within `budgetMs`; and PostgreSQL ends a
 * session that sits idle inside its transaction for `idleInTransactionTimeoutMs`, rolling it
 * back, so the frozen holder lets go after that long. `fn` may therefore run more than once: it
 * must only decide from what it reads.
 */
export async function appendTransaction<T>(
  pool: Pool,
  timeouts: AppendTimeouts,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const setup = `SET LOCAL lock_timeout = ${Math.ceil(timeouts.lockTimeoutMs)}; SET LOCAL idle_in_transaction_session_timeout = ${Math.ceil(timeouts.idleInTransactionTimeoutMs)}`
  const deadline = Date.now() + timeouts.budgetMs
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction(pool, fn, setup)
    } catch (error) {
      const waited = (error as { code?: string }).code === LOCK_TIMEOUT
      if (!waited || Date.now() + timeouts.lockTimeoutMs > deadline) throw error
      // A short random pause, so appends that timed out together do not collide again.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(25 * attempt, 200)))
    }
  }
}
