/**
 * Devtools benchmarks, in real Chromium with real layout (run alone: `npx tsx bench/devtools.ts`,
 * add `--quick` for small sizes):
 *
 * - mount of the open panel until the timeline shows rows, and scrolling the timeline across the
 *   whole log, at 100k and 1M events: a virtualized timeline costs the same at both sizes;
 * - from a slider move to the app's re-render (a DOM mutation), at 1k and 1M events: it must not
 *   grow with history (the store recomputes from its nearest checkpoint).
 */
import { serveFixture } from '../test/browser/server'
import { launchChromium } from '../test/support/chromium'
import { fmtCount, fmtMs, fmtRatio, printTable } from './util'

const quick = process.argv.includes('--quick')
const big = quick ? 100_000 : 1_000_000
const mid = quick ? 10_000 : 100_000
const small = 1_000

const { url, server } = await serveFixture('bench')
const browser = await launchChromium()

type Bench = {
  build(n: number): number
  mount(): Promise<number>
  scroll(steps: number): Promise<{ median: number; p95: number }>
  slide(moves: number): Promise<{ median: number; p95: number; samples: number }>
}

async function run(n: number) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  await page.goto(url)
  await page.waitForFunction(() => 'bench' in window)
  const call = <T>(fn: (b: Bench, arg: number) => T | Promise<T>, arg = 0) =>
    page.evaluate(
      ([src, a]) => new Function('b', 'a', `return (${src})(b, a)`)((window as any).bench, a),
      [fn.toString(), arg] as const,
    ) as Promise<T>
  const build = await call((b, a) => b.build(a), n)
  const mount = await call((b) => b.mount())
  const scroll = await call((b, a) => b.scroll(a), 60)
  const slide = await call((b, a) => b.slide(a), 80)
  await page.close()
  return { n, build, mount, scroll, slide }
}

try {
  const results = []
  for (const n of [small, mid, big]) {
    process.stdout.write(`measuring ${fmtCount(n)} events…\n`)
    results.push(await run(n))
  }
  const [s, m, b] = results as [
    Awaited<ReturnType<typeof run>>,
    Awaited<ReturnType<typeof run>>,
    Awaited<ReturnType<typeof run>>,
  ]
  const cols = [
    'events',
    'record (app, not devtools)',
    'mount panel',
    'scroll step',
    'scroll p95',
    'slider→render',
    'slider→render p95',
  ]
  printTable(
    'Devtools in Chromium (medians)',
    cols,
    results.map((r) => ({
      cells: Object.fromEntries(
        [
          fmtCount(r.n),
          fmtMs(r.build),
          fmtMs(r.mount),
          fmtMs(r.scroll.median),
          fmtMs(r.scroll.p95),
          fmtMs(r.slide.median),
          fmtMs(r.slide.p95),
        ].map((v, k) => [cols[k]!, v]),
      ),
    })),
  )
  // Flat means within 3x: a virtualized, checkpointed devtools pays for what is on screen only.
  const ratio = (what: string, r: number, target: string) => ({
    cells: { ratio: what, value: fmtRatio(r), target },
    pass: r < 3,
  })
  printTable(
    'Ratios: cost at the large size over the small one',
    ['ratio', 'value', 'target'],
    [
      ratio(`mount ${fmtCount(b.n)} / ${fmtCount(m.n)}`, b.mount / m.mount, 'flat (< 3x)'),
      ratio(
        `scroll step ${fmtCount(b.n)} / ${fmtCount(m.n)}`,
        b.scroll.median / m.scroll.median,
        'flat (< 3x)',
      ),
      ratio(
        `slider→render ${fmtCount(b.n)} / ${fmtCount(s.n)}`,
        b.slide.median / s.slide.median,
        'must not grow (< 3x)',
      ),
    ],
  )
} finally {
  await browser.close()
  await server.close()
}
