import type { SealedRow } from '../reads'

/**
 * A sealed row of a page as the stores write it (sqlitePage.ts, postgresPage.ts): one text, its
 * lead (global position and the stored payload's UTF-8 bytes), then its wire text after the
 * payload (`,"at":...}`) and before it (`{"position":..."payload":`):
 *
 *   <position>,<payload bytes>,"at":<n>,"commandId":<s or null>}{"position":"v1:<n>",
 *   "clientId":<s>,"clientSeq":<n>,"id":<s>,"stream":<s>,"streamVersion":<n>,"type":<s>,"payload":
 *
 * Split where the head starts (`{"position":"v1:` is not in the tail: its one string is quoted),
 * no field scanned for unless the row's cipher is opened. One string a row, as a plain row's,
 * instead of a column per part (which cost as much as the rest of the page).
 */
export const HEAD = '{"position":"v1:'
export const PREFIX = HEAD.length

/**
 * A sealed row's parts, read back from its text; its `payloadText` is the given one, and
 * `storedBytes` its stored payload's UTF-8 bytes (the lead's, what page budgets count).
 */
export function sealedRow(wire: string, tenant: string, payloadText = ''): WireSealedRow {
  const comma = wire.indexOf(',')
  const tail = wire.indexOf(',', comma + 1)
  const head = wire.indexOf(HEAD, tail)
  return new WireSealedRow(
    wire.slice(head),
    wire.slice(tail, head),
    tenant,
    Number(wire.slice(0, comma)),
    payloadText,
    Number(wire.slice(comma + 1, tail)),
  )
}

/** The stored payload's UTF-8 bytes and where the tail starts, from a sealed row's lead. */
export function leadOf(wire: string): { bytes: number; tail: number } {
  const comma = wire.indexOf(',')
  const tail = wire.indexOf(',', comma + 1)
  return { bytes: Number(wire.slice(comma + 1, tail)), tail }
}

/**
 * A sealed row whose client, id and type are read from its head when first asked: only a row
 * whose fields are opened here needs them (one the reader holds opened is served by position).
 */
export class WireSealedRow implements SealedRow {
  at = 0
  #place: [clientId: string, id: string, type: string] | undefined
  constructor(
    readonly head: string,
    readonly tail: string,
    readonly tenant: string,
    readonly position: number,
    public payloadText: string,
    readonly storedBytes: number,
  ) {}
  get clientId(): string {
    this.#place ??= placeOf(this.head)
    return this.#place[0]
  }
  get id(): string {
    this.#place ??= placeOf(this.head)
    return this.#place[1]
  }
  get type(): string {
    this.#place ??= placeOf(this.head)
    return this.#place[2]
  }
}

/** The client, id and type of a sealed row's head (`{"position":..."type":<s>,"payload":`). */
function placeOf(head: string): [clientId: string, id: string, type: string] {
  const client = head.indexOf('"', PREFIX) + '","clientId":'.length
  const clientEnd = stringEnd(head, client)
  const id = head.indexOf(',', clientEnd + ',"clientSeq":'.length) + ',"id":'.length
  const idEnd = stringEnd(head, id)
  const streamEnd = stringEnd(head, idEnd + ',"stream":'.length)
  const type = head.indexOf(',', streamEnd + ',"streamVersion":'.length) + ',"type":'.length
  const typeEnd = stringEnd(head, type)
  return [
    stringAt(head, client, clientEnd),
    stringAt(head, id, idEnd),
    stringAt(head, type, typeEnd),
  ]
}

/** Whether the quote at `at` is escaped: after an odd number of backslashes. */
function escaped(text: string, at: number): boolean {
  let slashes = 0
  while (text.charCodeAt(at - 1 - slashes) === 92) slashes++
  return slashes % 2 === 1
}

/** Just past the JSON string whose opening quote is at `from`. */
function stringEnd(text: string, from: number): number {
  let quote = text.indexOf('"', from + 1)
  while (escaped(text, quote)) quote = text.indexOf('"', quote + 1)
  return quote + 1
}

/** The value of the JSON string from `from` to `to` (its quotes included). */
function stringAt(text: string, from: number, to: number): string {
  const quoted = text.slice(from, to)
  return quoted.includes('\\') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1)
}
