import { type Browser, chromium } from 'playwright-core'

/**
 * Debian's Chromium, headless, as every browser test and benchmark here launches it. The flags
 * keep it off the network: this machine reaches no host but the package registries.
 * `CHROMIUM_PATH` points at another build.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
