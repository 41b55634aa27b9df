/**
 * What waiting readers cost the writer: POST latency with 0, 1,000 and 5,000 long polls of
 * other tenants waiting, over loopback HTTP, against a `strata-server` child process on SQLite.
 *
 *   node --import tsx bench/fanout.ts [--posts 300] [--waiters 0,1000,5000]
 *
 * Each POST stores one event of tenant `writer`; the long polls belong to other tenants (one
 * tenant each), so none of them should wake. Goal: p50 and p99 within 1.5x of no waiters.
 * Prints the server's CPU time per POST beside wall time (the machine may be shared).
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startBenchServer } from './serverProcess'
import { fmtMs, quantile } from './util'

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '300' },
    waiters: { type: 'string', default: '0,1000,5000' },
  },
})
const POSTS = Number(values.posts)
const COUNTS = values.waiters.split(',').map(Number)

async function run(waiters: number) {
  const dir = mkdtempSync(join(tmpdir(), 'strata-fanout-'))
  const server = await startBenchServer(join(dir, 'events.db'), [
    `maxLongPolls=${waiters + 100}`,
    'maxWaitMs=120000',
  ])
  try {
    const writer = await server.token('writer')
    const ctrls: AbortController[] = []
    const polls: Promise<unknown>[] = []
    for (let i = 0; i < waiters; i++) {
      const token = await server.token(`reader-${i}`)
      const ctrl = new AbortController()
      ctrls.push(ctrl)
      polls.push(
        fetch(`${server.url}/events?after=v1:0&wait=120000`, {
          headers: { authorization: `Bearer ${token}` },
          signal: ctrl.signal,
        }).catch(() => undefined),
      )
    }
    // Let every poll reach the server and settle before timing.
    await new Promise((r) => setTimeout(r, Math.min(20_000, 500 + waiters * 2)))
    const samples: number[] = []
    const cpu = server.cpuMs()
    for (let seq = 1; seq <= POSTS; seq++) {
      const body = JSON.stringify({
        protocol: 1,
        clientId: 'writer',
        events: [
          { clientSeq: seq, id: `w-${seq}`, stream: 's', type: 't', payload: { seq }, at: seq },
        ],
      })
      const start = performance.now()
      const response = await fetch(`${server.url}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
        body,
      })
      await response.arrayBuffer()
      if (response.status !== 200) throw new Error(`POST answered ${response.status}`)
      samples.push(performance.now() - start)
    }
    const cpuPerPost = (server.cpuMs() - cpu) / POSTS
    for (const ctrl of ctrls) ctrl.abort()
    await Promise.all(polls)
    samples.sort((a, b) => a - b)
    return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), cpuPerPost }
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

console.log(`POST latency with long polls of other tenants waiting (${POSTS} POSTs of 1 event)`)
let base: { p50: number; p99: number } | undefined
for (const waiters of COUNTS) {
  const r = await run(waiters)
  base ??= r
  console.log(
    `${String(waiters).padStart(5)} waiting   p50 ${fmtMs(r.p50).padStart(8)} (${(r.p50 / base.p50).toFixed(2)}x)   p99 ${fmtMs(r.p99).padStart(8)} (${(r.p99 / base.p99).toFixed(2)}x)   server CPU ${r.cpuPerPost.toFixed(2)} ms/POST`,
  )
}
