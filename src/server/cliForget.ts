import { parseArgs } from 'node:util'

/**
 * `strata-server forget <subject> [--url <server>]`: asks a running server to forget a subject
 * of the caller's tenant, so the server that knows the app's personal fields, projections and
 * snapshots does the work, and its clients hear of it. The bearer token (an admin's) comes from
 * the environment, never the command line, which other local users can read.
 */
export async function forgetCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  fetcher: typeof fetch = fetch,
): Promise<string> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: { url: { type: 'string', default: 'http://127.0.0.1:8787' } },
  })
  const [subject, ...rest] = positionals
  if (!subject || rest.length) {
    throw new Error('Usage: strata-server forget <subject> [--url <server>]')
  }
  const token = env.STRATA_TOKEN ?? env.STRATA_DEV_TOKEN
  const url = new URL(
    `subjects/${encodeURIComponent(subject)}/forget`,
    `${values.url.replace(/\/?$/, '/')}`,
  )
  const response = await fetcher(url, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
  })
  const body = (await response.json().catch(() => ({}))) as {
    token?: string
    error?: { message?: string }
  }
  if (!response.ok) {
    throw new Error(
      `The server refused (${response.status}): ${body.error?.message ?? response.statusText}`,
    )
  }
  return `Forgot ${JSON.stringify(subject)}; recorded at ${body.token}`
}
