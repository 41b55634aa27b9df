import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SignJWT } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { parseCli } from '../../src/server/cliOptions'
import { batch, events } from './helpers'

const CLI = fileURLToPath(new URL('../../src/server/cli.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'strata-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+) /.exec(out)
      if (match) resolve(match[1]!)
    })
    void exited.then(() => reject(new Error(`CLI exited: ${out} ${err}`)))
  })
  listening.catch(() => {}) // Awaited only by the tests that expect it to listen.
  return { child, exited, listening, output: () => ({ out, err }) }
}

const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(batch('cli', events('cli', 1, 2))),
  })

describe('strata-server CLI', () => {
  it('serves a SQLite file anonymously on loopback, says so, and stops on SIGTERM', async () => {
    const cli = run(['--db', join(dir, 'events.db'), '--port', '0'])
    const url = await cli.listening
    expect(cli.output().out).toContain('(sqlite, anonymous)')
    expect(cli.output().err).toContain('loopback')
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/)
    expect(((await (await post(url)).json()) as { token: string }).token).toBe('v1:2')
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  }, 20_000)

  it('takes a development token from the environment and refuses requests without it', async () => {
    const token = 'cli-test-token-0123456789'
    const cli = run(['--db', join(dir, 'token.db'), '--port', '0'], { STRATA_DEV_TOKEN: token })
    const url = await cli.listening
    expect(cli.output().out).toContain('development token')
    expect((await post(url)).status).toBe(401)
    expect((await post(url, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401)
    expect((await post(url, { authorization: `Bearer ${token}` })).status).toBe(200)
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  }, 20_000)

  it('takes JWTs without exp only when told to, and then bounds their age (--jwt-max-age)', async () => {
    const secret = 'a-shared-hmac-secret-for-cli-tests'
    const now = Math.floor(Date.now() / 1000)
    const sign = (claims: { exp?: number; iat?: number }) =>
      new SignJWT({ sub: 'alice', org: 'acme', ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('https://id.example.com')
        .setAudience('strata')
        .sign(new TextEncoder().encode(secret))
    const jwtFlags = ['--jwt-issuer', 'https://id.example.com', '--jwt-audience', 'strata']
    const flags = [...jwtFlags, '--jwt-secret-env', 'SIGNING', '--tenant-claim', 'org']
    const bearer = async (token: string) => ({ authorization: `Bearer ${token}` })

    const strict = run(['--db', join(dir, 'jwt-strict.db'), '--port', '0', ...flags], {
      SIGNING: secret,
    })
    const strictUrl = await strict.listening
    const noExp = await sign({ iat: now })
    const refused = await post(strictUrl, await bearer(noExp))
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as any).error.message).toContain('no exp claim')
    expect((await post(strictUrl, await bearer(await sign({ exp: now + 300 })))).status).toBe(200)
    strict.child.kill('SIGTERM')
    expect(await strict.exited).toBe(0)

    const lenient = run(
      [
        ...['--db', join(dir, 'jwt-lenient.db'), '--port', '0', ...flags],
        ...['--jwt-allow-no-exp', '--jwt-max-age', '60'],
      ],
      { SIGNING: secret },
    )
    const lenientUrl = await lenient.listening
    expect((await post(lenientUrl, await bearer(noExp))).status).toBe(200)
    // Issued ten minutes ago, no exp: older than --jwt-max-age allows.
    expect((await post(lenientUrl, await bearer(await sign({ iat: now - 600 })))).status).toBe(401)
    lenient.child.kill('SIGTERM')
    expect(await lenient.exited).toBe(0)
  }, 30_000)

  it.each([
    [['--port', 'eighty'], '--port must be 0-65535'],
    [['--host', '0.0.0.0'], 'loopback only'],
    [['--dev-token', 'short'], 'at least 16 characters'],
    [['--jwt-issuer', 'https://id.example.com'], '--jwt-issuer and --jwt-audience go together'],
  ])(
    'refuses %j with a clear message',
    async (args, message) => {
      const cli = run(['--db', join(dir, 'refused.db'), ...args])
      expect(await cli.exited).toBe(1)
      expect(cli.output().err).toContain(message)
    },
    20_000,
  )
})

describe('parseCli', () => {
  it('turns flags into serve() options', () => {
    const choice = parseCli(
      [
        '--host',
        '::1',
        '--allowed-hosts',
        'events.example.com, .example.org',
        '--cors-origin',
        'https://app.example.com,https://admin.example.com',
        '--limit',
        'maxLongPolls=500',
        '--limit',
        'maxStreamsPerPrincipal=4',
        '--headers-timeout',
        '5000',
      ],
      {},
    )
    expect(choice.serve).toMatchObject({
      hostname: '::1',
      allowedHosts: ['events.example.com', '.example.org'],
      cors: { origin: ['https://app.example.com', 'https://admin.example.com'] },
      limits: { maxLongPolls: 500, maxStreamsPerPrincipal: 4 },
      headersTimeoutMs: 5000,
    })
    expect(choice.auth).toBe('anonymous')
    expect(parseCli(['--allowed-hosts', '*', '--cors-origin', '*'], {}).serve).toMatchObject({
      allowedHosts: true,
      cors: { origin: '*' },
    })
  })

  it('builds a JWT authorize from flags and a secret from the environment', () => {
    const choice = parseCli(
      [
        '--jwt-issuer',
        'https://id.example.com',
        '--jwt-audience',
        'strata',
        '--jwt-secret-env',
        'SIGNING',
        '--tenant-claim',
        'org',
      ],
      { SIGNING: 'a-shared-secret-of-some-length' },
    )
    expect(typeof choice.serve.authorize).toBe('function')
    expect(choice.auth).toBe('JWT from https://id.example.com, tenant from org')
    const jwt = ['--jwt-issuer', 'i', '--jwt-audience', 'a', '--jwt-secret-env', 'SIGNING']
    expect(() =>
      parseCli([...jwt, '--jwt-max-age', '0'], { SIGNING: 'a-shared-secret-of-some-length' }),
    ).toThrow('--jwt-max-age must be an integer of at least 1, received 0')
  })

  it.each([
    [['--limit', 'noSuchLimit=1'], '--limit takes <name>=<n>'],
    [['--limit', 'maxStreams=-1'], 'must be an integer'],
    [['--jwt-issuer', 'i', '--jwt-audience', 'a', '--jwt-secret-env', 'NONE'], 'is empty'],
    [['--jwt-issuer', 'i', '--jwt-audience', 'a'], 'exactly one of'],
    [['--tenant-claim', 'org'], 'needs --jwt-issuer'],
    [['--jwt-max-age', '60'], '--jwt-max-age needs --jwt-issuer'],
    [['--jwt-allow-no-exp'], '--jwt-allow-no-exp needs --jwt-issuer'],
    [['--dev-token', 'a-long-enough-token', '--jwt-issuer', 'i'], 'not both'],
    [['--no-such-flag'], 'Unknown option'],
  ])('refuses %j', (args, message) => {
    expect(() => parseCli(args, {})).toThrow(message)
  })
})
