import { StrataWireError } from '../protocol'

/** The credential of `Authorization: Bearer <token>`, or undefined when there is none. */
export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get('authorization')
  if (header === null) return undefined
  const match = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header)
  if (!match) {
    throw new StrataWireError('unauthorized', 'The Authorization header must be "Bearer <token>"')
  }
  return match[1]
}
