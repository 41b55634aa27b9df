import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { MIN_POSITION_HEADER, POSITION_HEADER } from '../protocol'
import type { CorsOptions } from './types'

/**
 * Hono's CORS middleware set up for the protocol: the methods and request headers clients send,
 * and the response headers they read (`X-Position`, `Retry-After`). Preflights are answered
 * before authorization, as browsers send them without credentials.
 */
export function corsMiddleware(options: CorsOptions): MiddlewareHandler {
  const { origin } = options
  if (origin === '*' && options.credentials) {
    throw new TypeError(
      "[strata] cors: origin '*' cannot go with credentials: true; list the origins instead",
    )
  }
  return cors({
    origin:
      typeof origin === 'function'
        ? (requested) => (origin(requested) ? requested : null)
        : typeof origin === 'string'
          ? origin
          : [...origin],
    allowMethods: ['GET', 'POST'],
    allowHeaders: [
      'Authorization',
      'Content-Type',
      'Content-Encoding',
      'Last-Event-ID',
      MIN_POSITION_HEADER,
    ],
    exposeHeaders: [POSITION_HEADER, 'Retry-After'],
    credentials: options.credentials ?? false,
    maxAge: options.maxAgeSeconds ?? 600,
  })
}
