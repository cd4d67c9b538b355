/**
 * A real browser for UI tests: Debian's `chromium` (installed by .ci/run) driven by
 * playwright-core, headless, in a fresh profile that is deleted afterwards.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'

export const CHROMIUM = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium'

/** Where screenshots go (a CI artifact; gitignored). */
export const RESULTS_DIR = join(import.meta.dirname, '..', '..', 'test-results')

/**
 * Runs `fn` with a headless Chromium context, closing it and deleting its profile afterwards.
 * @example await withBrowser(async (ctx) => { const page = await ctx.newPage(); await page.goto(url) })
 */
export async function withBrowser<T>(fn: (ctx: BrowserContext) => Promise<T>): Promise<T> {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: run 'apt-get install -y chromium' (.ci/run does).`)
  await mkdir(RESULTS_DIR, { recursive: true })
  const profile = await mkdtemp(join(tmpdir(), 'sluice-chromium-'))
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  try {
    return await fn(ctx)
  } finally {
    await ctx.close()
    await rm(profile, { recursive: true, force: true })
  }
}
