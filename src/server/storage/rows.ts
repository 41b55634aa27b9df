import type { JsonValue, WireErrorBody } from '../../protocol'
import type { ClientRecord, Receipt, StoredEvent } from '../types'

/** Column order shared by the SQL adapters' event tables. */
export const EVENT_COLUMNS = [
  'position',
  'tenant',
  'tenant_position',
  'client_id',
  'client_seq',
  'id',
  'stream',
  'stream_version',
  'type',
  'payload',
  'at',
  'command_id',
  'fingerprint',
] as const

export interface EventRow {
  position: number | string
  tenant: string
  tenant_position: number | string
  client_id: string
  client_seq: number | string
  id: string
  stream: string
  stream_version: number | string
  type: string
  payload: string | JsonValue
  at: number | string
  command_id: string | null
  fingerprint: string
}

/** SQL drivers give text JSON (SQLite) or parsed JSON and bigint strings (pg); unify both. */
export function rowToEvent(row: EventRow, payloadIsText: boolean): StoredEvent {
  return {
    position: Number(row.position),
    tenantPosition: Number(row.tenant_position),
    tenant: row.tenant,
    clientId: row.client_id,
    clientSeq: Number(row.client_seq),
    id: row.id,
    stream: row.stream,
    streamVersion: Number(row.stream_version),
    type: row.type,
    payload: payloadIsText
      ? (JSON.parse(row.payload as string) as JsonValue)
      : (row.payload as JsonValue),
    at: Number(row.at),
    commandId: row.command_id,
    fingerprint: row.fingerprint,
  }
}

export function eventToRow(event: StoredEvent): unknown[] {
  return [
    event.position,
    event.tenant,
    event.tenantPosition,
    event.clientId,
    event.clientSeq,
    event.id,
    event.stream,
    event.streamVersion,
    event.type,
    JSON.stringify(event.payload),
    event.at,
    event.commandId,
    event.fingerprint,
  ]
}

/** A checkpoint's scope column: `all`, or `t:` and the tenant (so no tenant name can be `all`). */
export const scopeOf = (tenant: string | undefined) =>
  tenant === undefined ? 'all' : `t:${tenant}`

export function rowToClient(row: any): ClientRecord | undefined {
  return row
    ? {
        clientId: row.client_id,
        principalId: row.principal_id,
        tenant: row.tenant,
        lastSeq: Number(row.last_seq),
      }
    : undefined
}

export interface ReceiptRow {
  client_seq: number | string
  fingerprint: string
  position: number | string | null
  error: string | WireErrorBody | null
}

export function rowToReceipt(row: ReceiptRow): Receipt {
  return {
    clientSeq: Number(row.client_seq),
    fingerprint: row.fingerprint,
    position: row.position === null ? null : Number(row.position),
    error:
      row.error === null
        ? null
        : typeof row.error === 'string'
          ? (JSON.parse(row.error) as WireErrorBody)
          : row.error,
  }
}

/**
 * The least text above every text that starts with `prefix`, in UTF-8 byte order (code point
 * order: SQLite's BINARY, PostgreSQL's "C"): the last code point plus one (surrogates skipped; past
 * U+10FFFF, that of the prefix without it). Undefined for an empty prefix.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix]
  while (points.length) {
    const last = points.pop()!.codePointAt(0)! + 1
    if (last > 0x10ffff) continue
    return points.join('') + String.fromCodePoint(last >= 0xd800 && last <= 0xdfff ? 0xe000 : last)
  }
  return undefined
}
