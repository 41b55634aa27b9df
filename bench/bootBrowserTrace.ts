/**
 * A timeline of one boot in the page (`TRACE=1 npm run bench:boot-browser`): when each fetch and
 * IndexedDB open or transaction started and ended, in ms since the boot began, printed by the
 * driver. It patches `fetch` and IndexedDB, so it is installed only when asked (`?trace`).
 */
const lines: string[] = []
let began = 0

export const trace = {
  enabled: false,
  mark(what: string): void {
    if (trace.enabled) lines.push(`${(performance.now() - began).toFixed(1)} ${what}`)
  },
  /** The timeline so far, and a new one from now. */
  take(): string[] {
    const out = lines.splice(0)
    began = performance.now()
    return out
  },
}

export function installTrace(): void {
  trace.enabled = true
  const { mark } = trace
  const fetch = globalThis.fetch
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input).replace(location.origin, '')
    mark(`fetch> ${url}`)
    const response = await fetch(input, init)
    mark(`fetch< ${url}`)
    return response
  }
  const transaction = IDBDatabase.prototype.transaction
  IDBDatabase.prototype.transaction = function (
    this: IDBDatabase,
    ...args: Parameters<IDBDatabase['transaction']>
  ) {
    const tx = transaction.apply(this, args)
    const [stores, mode, options] = args
    const name = `${[stores].flat().join(',')} ${mode ?? 'readonly'} ${options?.durability ?? ''}`
    mark(`tx> ${name}`)
    tx.addEventListener('complete', () => mark(`tx< ${name}`))
    return tx
  }
  const open = IDBFactory.prototype.open
  IDBFactory.prototype.open = function (this: IDBFactory, name: string, version?: number) {
    mark(`open> ${name}`)
    const request = open.call(this, name, version)
    request.addEventListener('success', () => mark(`open< ${name}`))
    return request
  }
}
