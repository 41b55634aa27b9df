import { describe, expect, it } from 'vitest'
import { redactedContent } from '../../src/server/erasure/content'
import { bytesOver, eventContent } from '../../src/server/fingerprint'
import { personal } from './erasureFixtures'
import { wireEvent } from './helpers'

describe('redactedContent', () => {
  const renamed = (name: unknown, email?: unknown) =>
    wireEvent(1, {
      type: 'user/renamed',
      payload: {
        userId: 'ada',
        name,
        ...(email === undefined ? {} : { email }),
        zeta: 'é',
      } as never,
    })

  it('leaves every personal value out of the text the fingerprint covers', () => {
    const event = renamed('Ada Lovelace', 'ada@example.com')
    const redacted = redactedContent(personal, event)!
    expect(redacted.text).not.toContain('Ada Lovelace')
    expect(redacted.text).not.toContain('ada@example.com')
    expect(redacted.text).toBe(
      eventContent({
        ...event,
        payload: {
          userId: 'ada',
          name: { $personal: 'ada' },
          email: { $personal: 'ada' },
          zeta: 'é',
        },
      }),
    )
    expect(redactedContent(personal, wireEvent(1))).toBeUndefined()
  })

  it.each([
    ['short', 'Ada', 'a@b.c'],
    ['multi-byte', 'Ádá Lövëlâcé 🧮', 'ädä@exämple.com'],
    ['one field', 'x'.repeat(300), undefined],
    ['nested', { first: 'Ada', titles: ['Countess', 'Lady'] }, { home: 'ada@home', n: 1 }],
    ['long', 'y'.repeat(5000), 'ü'.repeat(2000)],
    ['escaped', '"\\\u0001\n'.repeat(300), '\u001f'.repeat(700)],
  ])('says the full content is over a limit exactly as bytesOver does (%s)', (_, name, email) => {
    const event = renamed(name, email)
    const full = eventContent(event)
    const redacted = redactedContent(personal, event)!
    const bytes = Buffer.byteLength(full)
    for (const max of [1, 50, bytes - 1, bytes, bytes + 1, Math.ceil(full.length * 3), 100_000]) {
      expect(redacted.bytesOver(max), `max ${max}`).toBe(bytesOver(full, max))
    }
  })
})
