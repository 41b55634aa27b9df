// GET /views/<name>/status over real HTTP on SQLite and PostgreSQL: a table projection stopped at
// an event tells its error (which may quote the payload) and the event only to a principal that
// may read the event's stream; the others of its tenant hear that it stopped, another tenant nothing.
import { tableProjection } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { restricted } from '../support/principals'
import { type AttackStore, as, attackStores, start } from './attack'
import { batch, events } from './helpers'

/** Alice may read no `secret` stream (test/support/principals.ts). */
const authorize = restricted

const SECRET = 'launch code 0000-TOP'

describe.each(attackStores().filter(([, sql]) => sql))(
  'table status on %s',
  (_name, _sql, make: AttackStore[2]) => {
    it('names the error and the event only to a reader of its stream', async () => {
      const stalls = tableProjection({
        name: 'stalls',
        version: 1,
        mode: 'async',
        tables: { rows: 'id TEXT NOT NULL, PRIMARY KEY (id)' },
        apply: async (e, db) => {
          // An app's error that quotes the payload, as errors do.
          const p = e.payload as { text?: string }
          if (p.text) throw new Error(`cannot file ${p.text}`)
          await db.run('INSERT INTO {rows} (id) VALUES (?)', [e.id])
        },
        read: (db) => db.all('SELECT id FROM {rows} ORDER BY id'),
      })
      const { url } = await start({
        storage: await make(),
        authorize,
        projections: [stalls],
        tables: { pollMs: 20, retryMs: 60_000 },
      })
      await as(url, 'mallory@acme').post(
        batch('m', [
          ...events('m', 1, 1, { stream: 'public' }),
          ...events('m', 2, 1, { stream: 'secret', id: 'secret-id', payload: { text: SECRET } }),
        ]),
      )
      const status = async (who: string) => (await as(url, who).get('/views/stalls/status')).body
      let seen: any
      for (let i = 0; i < 500 && !seen?.error; i++) {
        seen = await status('bob@acme')
        await new Promise((r) => setTimeout(r, 20))
      }
      // Bob reads every stream: the message and the event.
      expect(seen.error).toEqual({
        message: `cannot file ${SECRET}`,
        event: { id: 'secret-id', type: 'added', position: 2 },
      })
      // Alice may not read it: neither the message nor which event, nor of another tenant's.
      const hers = await status('alice@acme')
      expect(JSON.stringify(hers)).not.toMatch(/launch|secret-id/)
      expect(hers.error).toEqual({ message: expect.any(String) })
      // Another tenant's rows are not stopped by acme's event: it hears nothing of it.
      const evil = await status('eve@evil')
      expect(evil).toMatchObject({ error: null, caughtUp: true })
      expect({ ...hers, error: null }).toEqual({ ...seen, error: null })
    })
  },
)
