import {
  type ErrorCode,
  type JsonObject,
  readWireError,
  StrataWireError,
  type WirePath,
} from '../protocol/index'

export const PREFIX = '[strata] '

/** What the client was doing when a sync error happened. */
export type SyncOperation = 'send' | 'pull' | 'storage' | 'read'

/** Wire codes plus the two failures that never reach a server. */
export type SyncErrorCode = ErrorCode | 'network' | 'storage'

export interface SyncErrorOptions {
  status?: number | undefined
  retryAfterMs?: number | undefined
  path?: WirePath | undefined
  details?: JsonObject | undefined
  /** The clientSeq range of the batch, for send errors. */
  seqs?: { first: number; last: number } | undefined
  cause?: unknown
}

const RETRYABLE = new Set<SyncErrorCode>(['network', 'internal', 'unavailable'])

/**
 * A failure of the sync client, typed so an app (or the devtools) can tell a lost network from a
 * server that refuses the outbox. The wire error it came from, if any, stays in `cause`.
 */
export class SyncError extends Error {
  override name = 'StrataSyncError'
  readonly code: SyncErrorCode
  readonly operation: SyncOperation
  readonly status: number | undefined
  /** From `Retry-After`, when the server sent one. */
  readonly retryAfterMs: number | undefined
  readonly path: WirePath | undefined
  readonly details: JsonObject | undefined
  readonly seqs: { first: number; last: number } | undefined

  constructor(
    code: SyncErrorCode,
    operation: SyncOperation,
    message: string,
    options: SyncErrorOptions = {},
  ) {
    super(PREFIX + message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.operation = operation
    this.status = options.status
    this.retryAfterMs = options.retryAfterMs
    this.path = options.path
    this.details = options.details
    this.seqs = options.seqs
  }

  /** Passes on its own (network, 5xx): the client retries with backoff. */
  get retryable(): boolean {
    return RETRYABLE.has(this.code)
  }

  /** The network is down or the server unreachable. */
  get offline(): boolean {
    return this.code === 'network'
  }
}

/** Advice per code, so a message says what to do and not only what happened. */
const ADVICE: Partial<Record<SyncErrorCode, string>> = {
  network: 'The client retries with backoff; check the connection or the server URL.',
  unauthorized: 'Provide a fresh credential through getToken/onAuthRequired, then sync.resume().',
  forbidden: 'The credential may not do this; sign in as another user or use another clientId.',
  conflict:
    'This clientId sent different content under the same clientSeq before (was its outbox ' +
    'cleared?). Sending is stopped; clear the outbox database to start a new client.',
  sequence_gap:
    'The server is missing earlier events of this client (was the outbox database restored ' +
    'from an older copy?). Sending is stopped.',
  update_required: 'The server speaks another protocol version; update @strata/state.',
  bad_response: 'The server did not answer with the Strata protocol; check the `url` points at it.',
  too_large:
    'A batch over a server limit (details.limit) is resent in smaller batches; a single event ' +
    'too large to send alone stops sending: make events smaller.',
  unavailable: 'The client retries with backoff.',
  internal: 'The client retries with backoff.',
}

/** Wraps a wire error (or any thrown value) with what the client was doing. */
export function toSyncError(
  error: unknown,
  operation: SyncOperation,
  what: string,
  seqs?: { first: number; last: number },
): SyncError {
  if (error instanceof SyncError) return error
  if (error instanceof StrataWireError) {
    const advice = ADVICE[error.code] ?? ''
    return new SyncError(
      error.code,
      operation,
      `${what} failed: the server answered ${error.status} ${error.code}: ${error.message}. ${advice}`.trim(),
      {
        status: error.status,
        path: error.path,
        details: error.details,
        seqs,
        cause: error,
        retryAfterMs: error.retryAfterMs,
      },
    )
  }
  if (operation === 'storage') {
    return new SyncError(
      'storage',
      operation,
      `${what} failed (${describeError(error)}). Unsent events stay in memory; sync.resume() tries again.`,
      { cause: error },
    )
  }
  return new SyncError(
    'network',
    operation,
    `${what} failed: the request did not reach the server (${describeError(error)}). ${ADVICE.network}`,
    { seqs, cause: error },
  )
}

/**
 * The typed error of a failed read (`!response.ok`), e.g. a view that has not caught up with
 * the token in time (503, `retryAfterMs` set), for query functions to throw.
 */
export async function responseError(response: Response, what = 'Reading'): Promise<SyncError> {
  const url = response.url ? ` ${new URL(response.url).pathname}` : ''
  return toSyncError(await readWireError(response), 'read', `${what}${url}`)
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}
