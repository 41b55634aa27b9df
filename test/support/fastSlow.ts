/**
 * What the tests of GET /events written from stored text share (readPage.test.ts,
 * attack.passthrough.test.ts, attack.sealedPages.test.ts): principals of restricted reach, two
 * servers on one store (the one under test, and the slow path: the store read whole, opened and
 * encoded again), and the check that both answer every principal the same.
 */
import type { ServeOptions, Storage } from '@strata/state/server'
import { expect } from 'vitest'
import { start, withoutReadText } from '../server/attack'
import { restricted } from './principals'

export { restricted }

export interface FastSlow {
  /** The server reading the store's text and pages. */
  fast: string
  /** The same store without `readText` and `readPage`. */
  slow: string
}

/** Both servers on `storage` (the slow one on it without readText and readPage). */
export async function fastAndSlow(storage: Storage, options: ServeOptions = {}): Promise<FastSlow> {
  const base = { authorize: restricted, ...options }
  const fast = await start({ ...base, storage })
  const slow = await start({ ...base, storage: withoutReadText(storage) })
  return { fast: fast.url, slow: slow.url }
}

/** GET /events as `who`: the status and the raw text. */
export async function readRaw(url: string, who: string, query = '?after=v1:0&limit=1000') {
  const response = await fetch(`${url}/events${query}`, {
    headers: { authorization: `Bearer ${who}` },
  })
  return { status: response.status, text: await response.text() }
}

/**
 * Asserts both servers answer `who` the same to `query`: the same text, or on PostgreSQL (whose
 * jsonb spaces a payload its own way) the same parsed value. Returns the fast server's answer.
 */
export async function expectSame(
  urls: FastSlow,
  who: string,
  query?: string,
  { parsed = false } = {},
) {
  const [fast, slow] = [await readRaw(urls.fast, who, query), await readRaw(urls.slow, who, query)]
  const key = `${who} ${query ?? ''}`
  expect(fast.status, key).toBe(slow.status)
  if (parsed) expect(JSON.parse(fast.text), key).toEqual(JSON.parse(slow.text))
  else expect(fast.text, key).toBe(slow.text)
  return fast
}
