export { Checker, requestChecker, responseChecker } from './check'
export {
  describeValue,
  ERROR_CODES,
  ERROR_STATUS,
  type ErrorCode,
  type ErrorResponse,
  formatPath,
  isErrorCode,
  isWireError,
  type JsonObject,
  type JsonValue,
  StrataWireError,
  type WireErrorBody,
  type WireErrorOptions,
  type WirePath,
} from './errors'
export {
  assertSafeJson,
  FORBIDDEN_KEYS,
  isStorableString,
  MAX_JSON_DEPTH,
  parseJson,
  utf8Length,
} from './json'
export {
  buildReadEventsQuery,
  type ParsedReadQuery,
  parseReadEventsQuery,
  type ReadEventsQuery,
  type ReadQueryLimits,
} from './query'
export { checkProtocol, parsePostEventsRequest } from './requests'
export {
  parseErrorBody,
  parseLimitsResponse,
  parsePostEventsResponse,
  parseReadEventsResponse,
  parseRetryAfter,
  parseSnapshotResponse,
  readWireError,
} from './responses'
export {
  compareTokens,
  decodeToken,
  encodeToken,
  isToken,
  maxToken,
  type PositionToken,
  START_TOKEN,
  TOKEN_PREFIX,
  tokenDistance,
  tryDecodeToken,
} from './token'
export {
  type EventResult,
  type EventStatus,
  FIELD_LIMITS,
  type LimitsResponse,
  MIN_POSITION_HEADER,
  POSITION_HEADER,
  type PokeMessage,
  type PostEventsRequest,
  type PostEventsResponse,
  PROTOCOL_VERSION,
  type ReadEventsResponse,
  type SnapshotResponse,
  type StoredWireEvent,
  SUPPORTED_PROTOCOLS,
  type WireEvent,
} from './types'
