/**
 * The event server in a child process for the HTTP benchmarks: `strata-server` itself (the CLI),
 * on a fresh SQLite file, with bearer JWTs whose `org` claim is the tenant, so one benchmark can
 * act as many tenants. The benchmark's own work (clients, timing) then never shares its loop.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { SignJWT } from 'jose'

// BENCH_SERVER_CLI=dist/server-cli.js runs the built server (after `npm run build`): its profiles
// name real lines, where tsx's transpiled sources put most of a file on one.
const CLI =
  process.env.BENCH_SERVER_CLI ?? fileURLToPath(new URL('../src/server/cli.ts', import.meta.url))
const SECRET = 'bench-secret-not-for-production-use'

export interface BenchServer {
  url: string
  child: ChildProcess
  /** A bearer token for `principal` of `tenant`. */
  token(tenant: string, principal?: string): Promise<string>
  /** CPU milliseconds the server process has used so far (Linux /proc). */
  cpuMs(): number
  stop(): Promise<void>
}

export async function startBenchServer(db: string, limits: string[] = []): Promise<BenchServer> {
  const child = spawn(
    process.execPath,
    [
      // e.g. BENCH_SERVER_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server.
      ...(process.env.BENCH_SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
      CLI,
      '--db',
      db,
      '--port',
      '0',
      '--jwt-issuer',
      'bench',
      '--jwt-audience',
      'strata',
      '--jwt-secret-env',
      'BENCH_JWT_SECRET',
      '--tenant-claim',
      'org',
      ...limits.flatMap((l) => ['--limit', l]),
    ],
    { env: { ...process.env, BENCH_JWT_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /listening on (http:\/\/\S+) /.exec(out)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)))
  })
  const key = new TextEncoder().encode(SECRET)
  const tick = 1000 / 100 // USER_HZ
  return {
    url,
    child,
    token: (tenant, principal = 'bench') =>
      new SignJWT({ sub: principal, org: tenant })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('bench')
        .setAudience('strata')
        .setExpirationTime('1h')
        .sign(key),
    cpuMs: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      return (Number(fields[11]) + Number(fields[12])) * tick
    },
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }
}
