// A server process frozen (SIGSTOP) in the middle of an append, holding the append lock: the
// other processes' appends go on after at most the idle-in-transaction timeout, over real HTTP,
// and the frozen one's transaction is rolled back.
import { describe, expect, it } from 'vitest'
import type { StoredWireEvent } from '../../src/protocol'
import { batch, events, wireEvent } from './helpers'
import { postgresForProcesses, type ServerProcess, startServerProcess } from './processes'

const cluster = postgresForProcesses((running) => {
  for (const p of running) p.child.kill('SIGCONT')
})
const { running } = cluster

const start = async (schema: string, env: Record<string, string> = {}) => {
  const process = await startServerProcess({
    STRATA_PG_URL: cluster.postgres().url,
    STRATA_SCHEMA: schema,
    STRATA_NO_PROJECTIONS: '1',
    STRATA_PG_LOCK_MS: '200',
    STRATA_PG_IDLE_MS: '1500',
    ...env,
  })
  running.push(process)
  return process
}
const post = (server: ServerProcess, body: unknown) =>
  fetch(`${server.url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    // A bound for the test only: without the timeouts the POST would wait for ever.
    signal: AbortSignal.timeout(20_000),
  })

describe('PostgreSQL with a frozen server process', () => {
  it('lets the other processes append after the idle timeout, and rolls the frozen one back', async () => {
    const schema = cluster.postgres().schema()
    const [frozen, live] = await Promise.all([
      start(schema, { STRATA_HOLD_TYPE: 'hold' }),
      start(schema),
    ])
    expect((await post(live, batch('warm', events('warm', 1, 1)))).status).toBe(200)
    const holding = frozen.waitFor('HOLDING')
    const stuck = post(frozen, batch('stuck', [wireEvent(1, { id: 'stuck-1', type: 'hold' })]))
      .then((r) => r.status)
      .catch(() => 'failed')
    await holding
    // Its transaction holds the append lock; now the process stops answering anything.
    frozen.child.kill('SIGSTOP')
    const writes = await Promise.all(
      [1, 2, 3].map((n) => post(live, batch(`live-${n}`, events(`live-${n}`, 1, 2)))),
    )
    expect(writes.map((r) => r.status)).toEqual([200, 200, 200])
    frozen.child.kill('SIGCONT')
    frozen.release()
    // Its session was ended: the held append cannot commit, and answers an error, not 200.
    expect(await stuck).not.toBe(200)
    const read = await fetch(`${live.url}/events?limit=100`)
    const stored = ((await read.json()) as { events: StoredWireEvent[] }).events
    expect(stored.map((e) => e.clientId).sort()).toEqual([
      'live-1',
      'live-1',
      'live-2',
      'live-2',
      'live-3',
      'live-3',
      'warm',
    ])
    expect(stored.map((e) => e.position)).toEqual(
      Array.from({ length: 7 }, (_, i) => `v1:${i + 1}`),
    )
    // The frozen process, thawed, appends again with a fresh connection.
    expect((await post(frozen, batch('after', events('after', 1, 1)))).status).toBe(200)
  }, 60_000)
})
