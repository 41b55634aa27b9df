import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { devToken } from './devToken'
import { bearerJwt } from './jwt'
import type { ServeOptions } from './node'
import { DEFAULT_LIMITS, type Limits } from './types'

export const HELP = `strata-server: the Strata event server

Storage
  --db <file>               SQLite file (default ./events.db), created readable by you only
  --postgres <url>          PostgreSQL instead (or DATABASE_URL); needs the "pg" package
  --schema <name>           PostgreSQL schema (default strata)

Network
  --port <n>                default 8787
  --host <address>          default 127.0.0.1; any other address needs authentication
                            (below) or --allow-anonymous
  --allowed-hosts <names>   Host names accepted besides localhost and IP addresses,
                            comma-separated (.example.com: it and its subdomains; * for any)
  --cors-origin <origins>   origins browsers may call from, comma-separated (* for any)

Authentication (without any, every caller is one anonymous principal)
  --dev-token <token>       accept "Authorization: Bearer <token>" (16+ characters); or
                            set STRATA_DEV_TOKEN, which keeps it out of the process list
  --jwt-issuer <iss>        verify bearer JWTs: issuer and audience, and keys from one of
  --jwt-audience <aud>        --jwt-jwks, --jwt-public-key, --jwt-secret-env
  --jwt-jwks <url>          the identity provider's JSON Web Key Set
  --jwt-public-key <file>   a PEM public key (with --jwt-alg)
  --jwt-secret-env <name>   an HMAC secret from that environment variable
  --jwt-alg <algs>          accepted algorithms, comma-separated
  --jwt-max-age <seconds>   refuse tokens issued (iat) longer ago than this
  --jwt-allow-no-exp        accept tokens without an expiry (exp); pair it with --jwt-max-age
  --tenant-claim <claim>    the claim that names the tenant (tokens without it are refused)
  --admin-claim <claim>     the claim that, when true, makes the caller an admin of its
                            tenant (the development token is always one)
  --allow-anonymous         listen beyond loopback without authentication (anyone may write)

Limits
  --limit <name>=<n>        any server limit, repeatable: maxLongPolls, maxStreams,
                            maxLongPollsPerPrincipal, maxBodyBytes, maxWaitMs, ...
  --headers-timeout <ms>    time to send headers (default 10000)
  --body-timeout <ms>       time to send a whole request (default 30000)

  --help

Erasure
  strata-server forget <subject> [--url <server>]
                            forget a subject of the caller's tenant on a running server
                            (default http://127.0.0.1:8787), as the admin whose bearer
                            token is in STRATA_TOKEN (or STRATA_DEV_TOKEN)

Table projections (read from the store: --db, --postgres, --schema)
  strata-server projections list each one's version, status, position, lag and error
  strata-server projections rebuild <name>
                            rebuild it into new tables while the old ones answer`

export interface CliChoice {
  help: boolean
  /** PostgreSQL URL, when the store is PostgreSQL. */
  postgres: string | undefined
  schema: string | undefined
  serve: ServeOptions
  /** What the start line says about authentication. */
  auth: string
}

const list = (text: string | undefined) =>
  text === undefined
    ? undefined
    : text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)

function integer(text: string, flag: string, min = 0): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value) || value < min)
    throw new Error(`${flag} must be an integer of at least ${min}, received ${text}`)
  return value
}

/** What the command line (and environment) asks for; throws a message naming the bad flag. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliChoice {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      db: { type: 'string', default: './events.db' },
      postgres: { type: 'string' },
      schema: { type: 'string' },
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'allowed-hosts': { type: 'string' },
      'cors-origin': { type: 'string' },
      'dev-token': { type: 'string' },
      'jwt-issuer': { type: 'string' },
      'jwt-audience': { type: 'string' },
      'jwt-jwks': { type: 'string' },
      'jwt-public-key': { type: 'string' },
      'jwt-secret-env': { type: 'string' },
      'jwt-alg': { type: 'string' },
      'jwt-max-age': { type: 'string' },
      'jwt-allow-no-exp': { type: 'boolean' },
      'tenant-claim': { type: 'string' },
      'admin-claim': { type: 'string' },
      'allow-anonymous': { type: 'boolean', default: false },
      limit: { type: 'string', multiple: true },
      'headers-timeout': { type: 'string' },
      'body-timeout': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  })
  const port = Number(values.port)
  if (!/^\d+$/.test(values.port) || port > 65535)
    throw new Error(`--port must be 0-65535, received ${values.port}`)
  const serve: ServeOptions = { port, hostname: values.host, db: values.db }
  if (values['allow-anonymous']) serve.allowAnonymous = true

  const hosts = list(values['allowed-hosts'])
  if (hosts) serve.allowedHosts = hosts.includes('*') ? true : hosts
  const origins = list(values['cors-origin'])
  if (origins?.length) serve.cors = { origin: origins.includes('*') ? '*' : origins }

  const limits: Partial<Limits> = {}
  for (const item of values.limit ?? []) {
    const [name, value] = item.split('=')
    if (!name || value === undefined || !Object.hasOwn(DEFAULT_LIMITS, name))
      throw new Error(
        `--limit takes <name>=<n> with a name of ${Object.keys(DEFAULT_LIMITS).join(', ')}; received ${item}`,
      )
    limits[name as keyof Limits] = integer(value, `--limit ${name}`)
  }
  if (Object.keys(limits).length) serve.limits = limits
  if (values['headers-timeout'])
    serve.headersTimeoutMs = integer(values['headers-timeout'], '--headers-timeout', 1)
  if (values['body-timeout'])
    serve.bodyTimeoutMs = integer(values['body-timeout'], '--body-timeout', 1)

  const token = values['dev-token'] ?? env.STRATA_DEV_TOKEN
  const jwt = values['jwt-issuer'] ?? values['jwt-audience']
  let auth = 'anonymous'
  if (token !== undefined && jwt !== undefined)
    throw new Error('Choose one of --dev-token and --jwt-*, not both')
  if (token !== undefined) {
    // One shared secret and no users: its holder runs the server, admin actions included.
    serve.authorize = devToken(token, { id: 'dev', admin: true })
    auth = 'development token'
  } else if (jwt !== undefined) {
    const issuer = values['jwt-issuer']
    const audience = values['jwt-audience']
    if (!issuer || !audience) throw new Error('--jwt-issuer and --jwt-audience go together')
    const secretEnv = values['jwt-secret-env']
    const secret = secretEnv === undefined ? undefined : env[secretEnv]
    if (secretEnv !== undefined && !secret)
      throw new Error(`--jwt-secret-env ${secretEnv}: that environment variable is empty`)
    const algorithms = list(values['jwt-alg'])
    const keyFile = values['jwt-public-key']
    serve.authorize = bearerJwt({
      issuer,
      audience,
      ...(values['jwt-jwks'] !== undefined && { jwksUrl: values['jwt-jwks'] }),
      ...(keyFile !== undefined && { publicKey: readFileSync(keyFile, 'utf8') }),
      ...(secret !== undefined && { secret }),
      ...(algorithms && { algorithms }),
      ...(values['tenant-claim'] !== undefined && { tenantClaim: values['tenant-claim'] }),
      ...(values['admin-claim'] !== undefined && { adminClaim: values['admin-claim'] }),
      ...(values['jwt-allow-no-exp'] && { requireExp: false }),
      ...(values['jwt-max-age'] !== undefined && {
        maxTokenAgeSeconds: integer(values['jwt-max-age'], '--jwt-max-age', 1),
      }),
    })
    auth = `JWT from ${issuer}${values['tenant-claim'] ? `, tenant from ${values['tenant-claim']}` : ''}`
  } else {
    for (const flag of [
      'tenant-claim',
      'admin-claim',
      'jwt-max-age',
      'jwt-allow-no-exp',
    ] as const) {
      if (values[flag] !== undefined)
        throw new Error(`--${flag} needs --jwt-issuer and --jwt-audience`)
    }
  }
  return {
    help: values.help,
    postgres: values.postgres ?? env.DATABASE_URL,
    schema: values.schema,
    serve,
    auth,
  }
}
