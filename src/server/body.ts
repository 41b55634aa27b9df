import { type JsonValue, parseJson, StrataWireError } from '../protocol'

const tooLarge = (limit: number) =>
  new StrataWireError(
    'too_large',
    `The body is larger than ${limit} bytes (after decompression); send smaller batches`,
    {
      details: { limit: 'maxBodyBytes', max: limit },
    },
  )

/**
 * Reads a JSON body of at most `maxBytes`, counted after gzip decompression so a small
 * compressed bomb cannot expand past the limit: reading stops at the first byte over it.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<JsonValue> {
  const type = request.headers.get('content-type') ?? ''
  // Requiring JSON also keeps cross-site HTML forms (which cannot send it) from posting events.
  if (!/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type)) {
    throw new StrataWireError(
      'unsupported_media_type',
      `Content-Type must be application/json, received ${JSON.stringify(type)}`,
      {
        details: { header: 'Content-Type' },
      },
    )
  }
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase()
  if (!['identity', 'gzip', 'x-gzip', ''].includes(encoding)) {
    throw new StrataWireError(
      'unsupported_media_type',
      `Content-Encoding ${JSON.stringify(encoding)} is not supported; use gzip or none`,
      {
        details: { header: 'Content-Encoding', supported: ['gzip', 'identity'] },
      },
    )
  }
  const declared = Number(request.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes)
  const gzip = encoding === 'gzip' || encoding === 'x-gzip'
  // A declared length within the limit is enforced by the HTTP layer: read it in one go (and
  // still check, for in-process callers that set the header by hand). Before anything touches
  // `request.body`: on Node, @hono/node-server then reads the socket straight into one buffer,
  // where `.body` would first build a web stream over it (a tenth of a POST's CPU time).
  if (!gzip && request.headers.has('content-length') && Number.isFinite(declared)) {
    let bytes: Uint8Array
    try {
      bytes = new Uint8Array(await request.arrayBuffer())
    } catch (cause) {
      throw new StrataWireError('bad_request', 'The body could not be read', { cause })
    }
    if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes)
    return decode(bytes)
  }
  if (!request.body) return parseJson('')
  let stream: ReadableStream<Uint8Array> = request.body
  if (gzip)
    stream = stream.pipeThrough(
      new DecompressionStream('gzip') as ReadableWritablePair<Uint8Array, Uint8Array>,
    )
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    while (true) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > maxBytes) {
        void reader.cancel().catch(() => {})
        throw tooLarge(maxBytes)
      }
      chunks.push(value)
    }
  } catch (cause) {
    if (cause instanceof StrataWireError) throw cause
    throw new StrataWireError(
      'bad_request',
      gzip ? 'The body is not valid gzip' : 'The body could not be read',
      { cause },
    )
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return decode(bytes)
}

function decode(bytes: Uint8Array): JsonValue {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (cause) {
    throw new StrataWireError('bad_request', 'The body is not valid UTF-8', { cause })
  }
  return parseJson(text)
}
