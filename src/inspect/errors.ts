import type { ErrorInfo } from './protocol'

const PLAIN = new Set(['string', 'number', 'boolean'])

/**
 * An error as data for the wire: name, message, stack, cause and plain own fields (`code`,
 * `status`, a server's `path`...) survive, so the panel can show what the server said.
 */
export function toErrorInfo(error: unknown, depth = 0): ErrorInfo | undefined {
  if (error === undefined) return undefined
  if (!(error instanceof Error)) {
    if (typeof error === 'object' && error !== null) {
      const o = error as Record<string, unknown>
      const message = typeof o.message === 'string' ? o.message : safeJson(error)
      const name = typeof o.name === 'string' ? o.name : 'Error'
      return withData({ name, message }, o)
    }
    return { name: 'Error', message: String(error) }
  }
  const info: ErrorInfo = { name: error.name, message: error.message }
  if (error.stack) info.stack = error.stack
  if (error.cause !== undefined && depth < 3) {
    const cause = toErrorInfo(error.cause, depth + 1)
    if (cause) info.cause = cause
  }
  return withData(info, error as unknown as Record<string, unknown>)
}

function withData(info: ErrorInfo, source: Record<string, unknown>): ErrorInfo {
  const data: Record<string, unknown> = {}
  let any = false
  for (const key of Object.keys(source)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue
    const value = source[key]
    if (value === null || PLAIN.has(typeof value) || isPlainArray(value)) {
      data[key] = value
      any = true
    }
  }
  if (any) info.data = data
  return info
}

function isPlainArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => v === null || PLAIN.has(typeof v))
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

/** An error a host answers with; `code` lets a client tell kinds apart without parsing text. */
export class InspectError extends Error {
  override name = 'InspectError'
  constructor(
    readonly code: 'unknown-request' | 'bad-request' | 'version' | 'unsupported' | 'timeout',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`[strata] ${message}`, options)
  }
}

/** The error a client rejects with: the host's error, rebuilt with its fields. */
export class RemoteInspectError extends Error {
  override name: string
  readonly code: unknown
  readonly info: ErrorInfo
  constructor(info: ErrorInfo) {
    super(info.message)
    this.name = info.name
    this.info = info
    this.code = info.data?.code
  }
}
