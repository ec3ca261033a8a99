// Launches Debian's Chromium through playwright-core for UI tests and screenshots (never a downloaded browser).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkDebianPackages } from '../tools.mjs';
import { LaunchError } from './proc.mjs';

/** Flags that keep Chromium offline-quiet and working as root (see testing-in-real-vscode.md). */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Starts a persistent Chromium context in a fresh profile; `close()` closes it and removes the profile.
 * @param {{headless?: boolean, viewport?: {width: number, height: number}, args?: string[]}} [opts]
 * @returns {Promise<{context: import('playwright-core').BrowserContext, page: import('playwright-core').Page,
 *   profileDir: string, close: () => Promise<void>}>}
 */
export async function launchChromium({
  headless = true,
  viewport = { width: 1400, height: 900 },
  args = [],
} = {}) {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new LaunchError(
      `Chromium is not installed (${CHROMIUM_PATH} missing). Fix: ${checkDebianPackages(['chromium']).fix}`,
    );
  }
  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
  const { chromium } = await import('playwright-core');
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'authdbg-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless,
      viewport,
      args: [...CHROMIUM_ARGS, ...args],
      // Chromium writes crash-report and cache folders under HOME/XDG: keep them in the throwaway profile.
      env: {
        ...process.env,
        HOME: profileDir,
        XDG_CONFIG_HOME: path.join(profileDir, '.config'),
        XDG_CACHE_HOME: path.join(profileDir, '.cache'),
      },
    });
  } catch (e) {
    fs.rmSync(profileDir, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  let closed;
  const close = () =>
    (closed ??= (async () => {
      try {
        await context.close();
      } finally {
        fs.rmSync(profileDir, { recursive: true, force: true });
      }
    })());
  return { context, page, profileDir, close };
}
