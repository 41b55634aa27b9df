const PAGE = 50
const PAGES_KEPT = 60

/**
 * Rows of one lane, fetched a page at a time around what is on screen, never the whole log.
 * After the logs change, old pages stay readable (stale) until fresh ones arrive, so rows do not
 * blink while the app dispatches.
 */
export class RowCache<T> {
  private pages = new Map<number, T[]>()
  private stale = new Map<number, T[]>()
  private loading = new Set<number>()
  private revision = Number.NaN
  private version = 0
  private listeners = new Set<() => void>()
  private range: [number, number] = [0, 0]

  constructor(private readonly load: (start: number, end: number) => Promise<T[]>) {}

  setRevision(revision: number): void {
    if (revision === this.revision) return
    this.revision = revision
    for (const [k, v] of this.pages) this.stale.set(k, v)
    this.pages = new Map()
    this.loading.clear()
  }

  get(index: number): T | undefined {
    const page = Math.floor(index / PAGE)
    return (this.pages.get(page) ?? this.stale.get(page))?.[index - page * PAGE]
  }

  /** Fetch the pages covering `[start, end)` that are missing or stale. */
  ensure(start: number, end: number): void {
    if (end <= start) return
    this.range = [start, end]
    for (let page = Math.floor(start / PAGE); page <= Math.floor((end - 1) / PAGE); page++) {
      if (this.pages.has(page) || this.loading.has(page)) continue
      this.loading.add(page)
      const revision = this.revision
      this.load(page * PAGE, (page + 1) * PAGE).then(
        (rows) => {
          if (revision !== this.revision) return
          this.loading.delete(page)
          this.pages.set(page, rows)
          this.stale.delete(page)
          this.evict()
          this.bump()
        },
        () => this.loading.delete(page),
      )
    }
  }

  /** After the logs changed: fetch again what was last on screen. */
  refresh(): void {
    this.ensure(this.range[0], this.range[1])
  }

  private evict() {
    while (this.pages.size > PAGES_KEPT) this.pages.delete(this.pages.keys().next().value!)
    while (this.stale.size > PAGES_KEPT) this.stale.delete(this.stale.keys().next().value!)
  }

  private bump() {
    this.version++
    for (const listener of [...this.listeners]) listener()
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  getVersion = () => this.version
}
