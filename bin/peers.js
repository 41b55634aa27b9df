// Turns "Cannot find package 'hono'" into what to do: the server's, devtools' and testing
// packages are optional peers of @strata/state, installed only by the apps that use them.

/** Runs `load`; when a package it needs is not installed, says which and exits 2. */
export async function withPeers(command, load) {
  try {
    return await load()
  } catch (error) {
    const code = error?.code
    const name = /Cannot find (?:package|module) '([^']+)'/.exec(String(error?.message))?.[1]
    const bare = name !== undefined && !/^[./]|^[a-z]:/i.test(name) && !name.startsWith('node:')
    if ((code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') || !bare) throw error
    const pkg = name
      .split('/')
      .slice(0, name.startsWith('@') ? 2 : 1)
      .join('/')
    console.error(
      `[strata] ${command} needs ${pkg}, an optional peer of @strata/state that is not installed. Install it: npm install ${pkg}`,
    )
    process.exit(2)
  }
}
