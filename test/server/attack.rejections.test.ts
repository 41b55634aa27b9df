// What the server keeps of a refused event, over real HTTP on memory, SQLite and PostgreSQL: a
// validator's message may quote the value it refused (arktype writes `(was "…")`, valibot
// `Received "…"`), and the refusal is stored as the receipt that answers the client's retries.
// Stored as the validator wrote it, a personal field's plaintext stayed in the store, unsealed,
// after its subject was forgotten. A message about a personal field is kept without the value.
import type { EventValidator } from '@strata/state/server'
import { describe, expect, it } from 'vitest'
import { type AttackStore, as, attackStores, forget, start, withAdmins } from './attack'
import { personal } from './erasureFixtures'
import { batch, events } from './helpers'

const BAD_EMAIL = 'ada-at-analytical-engine-no-at-sign'
const BAD_NAME = 'Ada Augusta King-Noel Lovelace the Countess'

/** A Standard Schema for renames that quotes what it refuses, as arktype does. */
const quoting: EventValidator = {
  'user/renamed': {
    '~standard': {
      version: 1,
      vendor: 'quoting',
      validate: (value: unknown) => {
        const p = value as { name?: unknown; email?: unknown; note?: unknown }
        const issues = []
        if (typeof p.email === 'string' && !p.email.includes('@'))
          issues.push({
            message: `email must be an email address (was "${p.email}")`,
            path: ['email'],
          })
        if (typeof p.name === 'string' && p.name.length > 20)
          issues.push({
            message: `name must be at most 20 characters (was "${p.name}")`,
            path: ['name'],
          })
        if (typeof p.note === 'string' && p.note.length > 5)
          issues.push({ message: `note must be short (was "${p.note}")`, path: ['note'] })
        return issues.length ? { issues } : { value }
      },
    },
  },
}

describe.each(attackStores())('refused events on %s', (_name, _sql, make: AttackStore[2]) => {
  it('keeps no personal value a validator quoted, in the answer to a retry or the store, before and after a forget', async () => {
    const storage = await make()
    const { url } = await start({ storage, authorize: withAdmins, personal, validate: quoting })
    const bob = as(url, 'bob@acme')
    const sent = batch(
      'c1',
      events('c1', 1, 1, {
        type: 'user/renamed',
        stream: 'users',
        payload: { userId: 'ada', name: BAD_NAME, email: BAD_EMAIL, note: 'not personal' },
      }),
    )
    const first = await bob.post(sent)
    expect(first.body.results[0]).toMatchObject({
      status: 'rejected',
      error: { code: 'invalid', path: ['payload', 'email'] },
    })
    // Which fields and why stay; the values of personal ones do not. A field that is not
    // personal keeps its message whole.
    const issues = first.body.results[0].error.details.issues
    expect(issues.map((i: any) => i.path)).toEqual([
      ['payload', 'email'],
      ['payload', 'name'],
      ['payload', 'note'],
    ])
    expect(issues[2].message).toBe('note must be short (was "not personal")')
    const stored = async () => {
      const receipts = await storage.append((tx) => tx.receipts('acme', 'c1', 1, 1))
      return JSON.stringify(receipts)
    }
    for (const text of [JSON.stringify(first.body), await stored()]) {
      expect(text).not.toContain(BAD_EMAIL)
      expect(text).not.toContain(BAD_NAME)
    }
    expect((await forget(url, 'ada', 'root@acme')).status).toBe(200)
    const retry = await bob.post(sent)
    expect(retry.body.results[0].status).toBe('rejected')
    for (const text of [JSON.stringify(retry.body), await stored()]) {
      expect(text).not.toContain(BAD_EMAIL)
      expect(text).not.toContain(BAD_NAME)
    }
  })
})
