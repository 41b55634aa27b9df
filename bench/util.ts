/** Timing, statistics and table printing shared by the benchmarks. */

declare const gc: (() => void) | undefined

/** Full collection, when node runs with --expose-gc (npm run bench does). */
export function collect(): void {
  if (typeof gc === 'function') {
    gc()
    gc()
  }
}

export function heapUsed(): number {
  collect()
  return process.memoryUsage().heapUsed
}

export interface Timing {
  /** Wall-clock milliseconds: what the targets are judged on. */
  ms: number
  /** CPU milliseconds of the process (GC threads included): steadier on a shared machine. */
  cpu: number
}

/** How long `run` took, after a full collection so earlier garbage is not billed to it. */
export function measure(run: () => void): Timing {
  collect()
  const cpu = process.cpuUsage()
  const start = performance.now()
  run()
  const ms = performance.now() - start
  const used = process.cpuUsage(cpu)
  return { ms, cpu: (used.user + used.system) / 1000 }
}

/** Wall-clock milliseconds `run` took, after a full collection. */
export function timed(run: () => void): number {
  return measure(run).ms
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  // Nearest rank: p99 of 100 values is the 99th, of 50 or fewer it is the largest.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  )
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-'
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : 2)} ms`
  return `${(ms * 1000).toFixed(ms >= 0.01 ? 1 : 2)} us`
}

export function fmtBytes(b: number): string {
  if (Math.abs(b) >= 1024 * 1024) return `${(b / 1024 / 1024).toFixed(1)} MB`
  if (Math.abs(b) >= 1024) return `${(b / 1024).toFixed(2)} KB`
  return `${Math.round(b)} B`
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return '-'
  return r >= 100 ? `${Math.round(r)}x` : `${r.toFixed(2)}x`
}

export function fmtCount(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n)
}

/** One printed row; `pass` is undefined for rows without a target. */
export interface Row {
  cells: Record<string, string>
  pass?: boolean | undefined
}

export interface Verdict {
  benchmark: string
  target: string
  pass: boolean
}

export const verdicts: Verdict[] = []

/** Prints rows as an aligned table, with a result column, and records their verdicts. */
export function printTable(title: string, columns: string[], rows: Row[]): void {
  const head = [...columns, 'result']
  const body = rows.map((r) => [
    ...columns.map((c) => r.cells[c] ?? ''),
    r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL',
  ])
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i]!)).join('  ')
  console.log(`\n## ${title}\n`)
  console.log(line(head))
  console.log(width.map((w) => '-'.repeat(w)).join('  '))
  for (const b of body) console.log(line(b))
  for (const r of rows) {
    if (r.pass !== undefined) {
      verdicts.push({ benchmark: title, target: r.cells.target ?? '', pass: r.pass })
    }
  }
}

/** A progress line on stderr, so long runs show where they are without cluttering the tables. */
export function progress(text: string): void {
  process.stderr.write(`  .. ${text}\n`)
}

export function note(text: string): void {
  console.log(`  ${text}`)
}
