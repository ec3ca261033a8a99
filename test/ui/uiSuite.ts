// `npm run test:ui`: what a person sees, in code-server with the packaged VSIX installed, driven by Chromium.
// Decode Token from the palette, the sidebar simulator, the hover, and XSS payloads that must stay inert.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Frame, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { folderUrl, installVsix, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { XSS_CLAIMS, createFixture } from '../host/workspace.ts';
import type { Fixture } from '../host/workspace.ts';
import { hoverText, openFile, runCommand, waitForWorkbench, webviewFrame } from './workbench.ts';

const ROOT = resolve(__dirname, '..', '..');
const VSIX = join(ROOT, 'cognito-auth-debugger.vsix');
const RESULTS = join(ROOT, 'test-results');
const DOCS = join(ROOT, 'docs');

interface Step {
  name: string;
  ms: number;
  ok: boolean;
  error?: string;
}

const steps: Step[] = [];
const timings: Record<string, number> = {};
let dialogs = 0;

function log(message: string): void {
  process.stdout.write(`[test:ui] ${message}\n`);
}

async function step(name: string, body: () => Promise<void>): Promise<void> {
  const started = performance.now();
  try {
    await body();
    steps.push({ name, ms: Math.round(performance.now() - started), ok: true });
    log(`✔ ${name} (${Math.round(performance.now() - started)} ms)`);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    steps.push({ name, ms: Math.round(performance.now() - started), ok: false, error: message });
    log(`✗ ${name}\n${message}`);
  }
}

/** Screenshot into test-results/; README images in docs/ are refreshed when missing or AUTHDBG_UPDATE_DOCS=1. */
async function shot(page: Page, name: string, keepForDocs = false): Promise<void> {
  const file = join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file });
  const doc = join(DOCS, `${name}.png`);
  if (keepForDocs && (process.env['AUTHDBG_UPDATE_DOCS'] === '1' || !existsSync(doc)))
    copyFileSync(file, doc);
}

/** Marks every frame: a flag any injected script would set, and every CSP violation the browser reports. */
const INIT_SCRIPT = `
  window.__cspViolations = [];
  window.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  }, true);
`;

async function frameFlags(frame: Frame): Promise<{ fired: unknown; violations: unknown[] }> {
  return frame.evaluate(() => {
    const w = window as unknown as { __xssFired?: unknown; __cspViolations?: unknown[] };
    return { fired: w.__xssFired, violations: w.__cspViolations ?? [] };
  });
}

/** Select a file's text and run Decode Token; resolves with the moment Enter was pressed. */
async function decodeFile(page: Page, name: string): Promise<number> {
  await openFile(page, name);
  await page.locator('.editor-group-container.active .editor-instance .view-lines').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  return runCommand(page, 'Auth Debugger: Decode Token');
}

async function main(): Promise<void> {
  const total = performance.now();
  mkdirSync(RESULTS, { recursive: true });
  mkdirSync(DOCS, { recursive: true });
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run \`npm run package\` first`);
  const fixture: Fixture = await createFixture('trusted');
  const dirs = mkdtempSync(join(tmpdir(), 'authdbg-ui-'));
  const extensionsDir = join(dirs, 'extensions');
  const userDataDir = join(dirs, 'user-data');
  let started = performance.now();
  await installVsix({ vsixPath: VSIX, extensionsDir, userDataDir, log });
  timings.installVsixMs = Math.round(performance.now() - started);
  const server = await startCodeServer({
    workspace: fixture.dir,
    extensionsDir,
    userDataDir,
    log,
    settings: {
      'authDebugger.jwksUrls': { [fixture.config.issuer]: fixture.config.jwksUrl },
      'authDebugger.expectedClientIds': [fixture.config.clientId],
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.hover.delay': 150,
      'editor.minimap.enabled': false,
      'workbench.layoutControl.enabled': false,
    },
  });
  const browser = await launchChromium({ viewport: { width: 1440, height: 900 } });
  const { page, context } = browser;
  await context.addInitScript(INIT_SCRIPT);
  page.on('dialog', (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  try {
    started = performance.now();
    await page.goto(folderUrl(server.url, fixture.dir));
    await waitForWorkbench(page);
    timings.workbenchReadyMs = Math.round(performance.now() - started);

    await step('palette: Decode Token on a selected token shows claims and verdict', async () => {
      const t0 = await decodeFile(page, 'token.txt');
      const frame = await webviewFrame(page, 'inspector');
      timings.decodeToWebviewDocumentMs = Math.round(performance.now() - t0);
      await frame.locator('tr[data-claim="cognito:username"]').waitFor();
      timings.decodeToClaimsMs = Math.round(performance.now() - t0);
      await frame.locator('[data-testid=verdict]', { hasText: 'Valid' }).waitFor({ timeout: 10_000 });
      assert.match((await frame.locator('[data-testid=verdict]').first().textContent()) ?? '', /✓ Valid/);
      assert.match((await frame.locator('tr[data-claim="cognito:username"]').textContent()) ?? '', /alice/);
      assert.match(
        (await frame.locator('tr[data-check="signature"]').textContent()) ?? '',
        /valid RS256 signature/,
      );
      const csp = await frame.evaluate(() =>
        document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
      );
      assert.match(csp ?? '', /default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]{16,}'; style-src /);
      await page.waitForTimeout(300);
      await shot(page, 'inspector', true);
    });

    await step('sidebar: paste a token, pick a route, get the decision', async () => {
      await page.locator('.activitybar [aria-label^="Auth Debugger"]').first().click();
      const frame = await webviewFrame(page, 'simulator');
      await frame
        .locator('vscode-single-select[data-testid=route] vscode-option')
        .first()
        .waitFor({ state: 'attached' });
      const t0 = performance.now();
      await frame.locator('vscode-textarea[data-testid=token] textarea').fill(fixture.config.tokens.id);
      await frame.locator('vscode-single-select[data-testid=route]').click();
      await frame
        .locator('vscode-single-select[data-testid=route] .option', { hasText: 'GET /orders/{id}' })
        .first()
        .click();
      await frame.locator('vscode-textfield[data-testid=request] input').fill('GET /orders/42');
      await frame.locator('vscode-button', { hasText: 'Simulate' }).first().click();
      const decision = frame.locator('[data-testid=decision]');
      await decision.waitFor();
      timings.pasteToDecisionMs = Math.round(performance.now() - t0);
      assert.match((await decision.textContent()) ?? '', /ALLOW · 200/);
      assert.match((await frame.locator('[data-testid=result]').textContent()) ?? '', /alice/);
      await page.waitForTimeout(200);
      await shot(page, 'simulator', true);
      // A second route: RBAC denies, and the trace names the missing group.
      await frame.locator('vscode-textfield[data-testid=request] input').fill('GET /reports');
      await frame.locator('vscode-button', { hasText: 'Simulate' }).first().click();
      await frame.locator('[data-testid=decision]', { hasText: 'DENY · 403' }).waitFor();
      assert.match((await frame.locator('ol.trace').textContent()) ?? '', /finance/);
      await shot(page, 'simulator-deny');
    });

    await step('Inspector "Simulate" hands the token to the sidebar', async () => {
      await decodeFile(page, 'token.txt');
      const inspector = await webviewFrame(page, 'inspector');
      await inspector.locator('vscode-button', { hasText: 'Simulate' }).first().click();
      const simulator = await webviewFrame(page, 'simulator');
      await simulator.locator('p[role=status]', { hasText: 'Token received' }).waitFor();
      const value = await simulator.locator('vscode-textarea[data-testid=token] textarea').inputValue();
      assert.equal(value, fixture.config.tokens.id);
    });

    await step('hover over a token in a .http file shows the summary', async () => {
      await openFile(page, 'requests.http');
      await hoverText(page, fixture.config.tokens.id.slice(0, 24));
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Auth Debugger' });
      await hover.first().waitFor({ timeout: 10_000 });
      const text = ((await hover.first().textContent()) ?? '').replace(/\u00a0/g, ' ');
      assert.match(text, /Cognito ID token/);
      assert.match(text, /alice/);
      assert.match(text, /Signature:/);
      await shot(page, 'hover', true);
      await page.mouse.move(5, 5);
    });

    await step('claims carrying XSS payloads are shown as text and no script runs', async () => {
      // The hover over the token: only our two command links, claims as inert code spans.
      await openFile(page, 'xss.txt');
      await hoverText(page, fixture.config.tokens.xss.slice(0, 24));
      await page
        .locator('.monaco-hover:not(.hidden)', { hasText: 'Auth Debugger' })
        .first()
        .waitFor({ timeout: 10_000 });
      const hrefs = await page
        .locator('.monaco-hover:not(.hidden) a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('data-href') ?? a.getAttribute('href') ?? ''));
      assert.ok(hrefs.length >= 2, 'the two command links');
      for (const href of hrefs)
        assert.match(href, /^command:authDebugger\.(decodeToken|openSimulator)/, href);
      await page.mouse.move(5, 5);

      // The Inspector: every payload verbatim as text, nothing parsed into elements.
      const t0 = await decodeFile(page, 'xss.txt');
      const frame = await webviewFrame(page, 'inspector');
      await frame.locator('tr[data-claim="website"]').waitFor({ timeout: 15_000 });
      timings.decodeToClaimsWarmMs = Math.round(performance.now() - t0);
      const cell = async (claim: string): Promise<string> =>
        (await frame.locator(`tr[data-claim="${claim}"] td.value .mono`).first().textContent()) ?? '';
      assert.equal(await cell('name'), XSS_CLAIMS.name);
      assert.equal(await cell('custom:note'), XSS_CLAIMS['custom:note']);
      assert.equal(await cell('website'), XSS_CLAIMS.website);
      assert.equal(await cell('nickname'), XSS_CLAIMS.nickname);
      assert.equal(await cell('custom:bidi'), 'admin⟨U+202E⟩gnp.exe⟨U+200B⟩');
      const counts = await frame.evaluate(() => ({
        img: document.querySelectorAll('img').length,
        svg: document.querySelectorAll('svg').length,
        links: document.querySelectorAll('a').length,
        // VS Code injects its own script into every webview; ours is the one with a nonce.
        ourScripts: [...document.querySelectorAll('script')].filter((s) => s.src.endsWith('inspector.js'))
          .length,
        payloadScripts: [...document.querySelectorAll('script')].filter((s) =>
          (s.textContent ?? '').includes('__xssFired'),
        ).length,
        eventAttributes: [...document.querySelectorAll('*')].filter((el) =>
          [...el.attributes].some((a) => a.name.startsWith('on')),
        ).length,
      }));
      assert.deepEqual(counts, {
        img: 0,
        svg: 0,
        links: 0,
        ourScripts: 1,
        payloadScripts: 0,
        eventAttributes: 0,
      });
      await frame.locator('tr[data-claim="name"]').scrollIntoViewIfNeeded();
      await page.waitForTimeout(1500);

      let fired = 0;
      let violations = 0;
      for (const f of page.frames()) {
        try {
          const flags = await frameFlags(f);
          if (flags.fired !== undefined) fired++;
          if (await f.evaluate(() => document.body?.dataset['view'] !== undefined))
            violations += flags.violations.length;
        } catch {
          // detached frame
        }
      }
      timings.xssScriptsRun = fired;
      timings.cspViolationsInOurWebviews = violations;
      assert.equal(fired, 0, 'a payload ran');
      assert.equal(dialogs, 0, 'a payload opened a dialog');
      assert.equal(violations, 0, 'the CSP had to block something: markup reached the DOM');
      await shot(page, 'xss', true);
    });

    await step('empty state explains how to begin; Create Sample Config fills the pickers', async () => {
      renameSync(join(fixture.dir, 'authdebug.yaml'), join(fixture.dir, 'authdebug.yaml.bak'));
      const frame = await webviewFrame(page, 'simulator');
      const empty = frame.locator('[data-testid=empty-state]');
      await empty.waitFor({ timeout: 10_000 });
      assert.match((await empty.textContent()) ?? '', /authdebug\.yaml/);
      await shot(page, 'simulator-empty');
      await empty.locator('vscode-button', { hasText: 'Create Sample Config' }).click();
      await frame
        .locator('vscode-single-select[data-testid=route] vscode-option', {
          hasText: 'GET /reports/{proxy+}',
        })
        .waitFor({ state: 'attached', timeout: 10_000 });
      assert.ok(existsSync(join(fixture.dir, 'authdebug.yaml')));
      await page.locator('.tab.active[aria-label^="authdebug.yaml"]').first().waitFor();
    });

    await step('light and high-contrast themes restyle both webviews', async () => {
      await decodeFile(page, 'token.txt');
      const frame = await webviewFrame(page, 'inspector');
      await frame.locator('[data-testid=verdict]', { hasText: 'Valid' }).waitFor();
      const background = (): Promise<string> =>
        frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const dark = await background();
      const themed: string[] = [];
      for (const [theme, file] of [
        ['Light Modern', 'theme-light'],
        ['Dark High Contrast', 'theme-high-contrast'],
      ] as const) {
        await runCommand(page, 'Preferences: Color Theme');
        await page.waitForTimeout(1000);
        await shot(page, 'debug-theme');
        await page
          .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Dark Modern' })
          .first()
          .waitFor();
        await page.keyboard.type(theme);
        await page
          .locator('.quick-input-list .monaco-list-row.focused', { hasText: theme })
          .first()
          .waitFor();
        await page.keyboard.press('Enter');
        await page.waitForTimeout(1000);
        await shot(page, file);
        themed.push(await background());
      }
      assert.equal(new Set([dark, ...themed]).size, 3, `webview backgrounds ${dark}, ${themed.join(', ')}`);
    });
  } finally {
    await browser.close();
    await server.stop();
    await fixture.dispose();
    rmSync(dirs, { recursive: true, force: true });
  }
  timings.totalMs = Math.round(performance.now() - total);
  writeFileSync(join(RESULTS, 'ui-timings.json'), `${JSON.stringify({ timings, steps }, null, 2)}\n`);
  log(`timings: ${JSON.stringify(timings)}`);
  const failed = steps.filter((s) => !s.ok);
  log(
    `${steps.length - failed.length} passed, ${failed.length} failed in ${(timings.totalMs / 1000).toFixed(1)} s`,
  );
  process.exitCode = failed.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
