import { fileURLToPath } from 'node:url'
import type { StorybookConfig } from '@storybook/react-vite'

const repo = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url))

const config: StorybookConfig = {
  framework: { name: '@storybook/react-vite', options: {} },
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  // msw's service worker (public/mockServiceWorker.js, from `npx msw init public`).
  staticDirs: ['../public'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // Stories import the package by its public names, pointed at the sources as in the tests.
  viteFinal(vite) {
    vite.resolve ??= {}
    vite.resolve.alias = [
      { find: /^@strata\/state$/, replacement: repo('src/index.ts') },
      { find: /^@strata\/state\/devtools$/, replacement: repo('devtools/index.ts') },
      { find: /^@strata\/state\/(.+)$/, replacement: repo('src/$1/index.ts') },
    ]
    return vite
  },
}

export default config
