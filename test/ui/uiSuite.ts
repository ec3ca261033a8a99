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
import {
  hoverText,
  openFile,
  runCommand,
  setColorTheme,
  setWebviewWidth,
  waitForWorkbench,
  webviewElement,
  webviewFrame,
} from './workbench.ts';

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

/**
 * Screenshot into test-results/; `docName` also keeps it as the README image docs/<docName>.png, refreshed when
 * missing or with AUTHDBG_UPDATE_DOCS=1.
 */
async function shot(page: Page, name: string, docName?: string): Promise<void> {
  const file = join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file });
  if (docName === undefined) return;
  const doc = join(DOCS, `${docName}.png`);
  if (process.env['AUTHDBG_UPDATE_DOCS'] === '1' || !existsSync(doc)) copyFileSync(file, doc);
}

/** A screenshot of one webview (its outer iframe) into test-results/. */
async function webviewShot(frame: Frame, name: string): Promise<void> {
  await (await webviewElement(frame)).screenshot({ path: join(RESULTS, `${name}.png`) });
}

/** The sample ID token with its groups edited and the signature kept: it must read as invalid everywhere. */
function tamperedToken(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  claims['cognito:groups'] = ['admin', 'finance'];
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

/** The sample ID token re-headed as `alg: none` with no signature: refused by every verifier. */
function unsignedToken(token: string): string {
  const [, payload] = token.split('.');
  return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload ?? ''}.`;
}

/**
 * What scrolls sideways in a webview: the document, then every table and pre (scrollWidth > clientWidth), with the
 * elements that stick out past the right edge named so a failure says where to look.
 */
async function horizontalOverflow(frame: Frame): Promise<string[]> {
  // No named functions inside evaluate: the tsx transform wraps them in a helper the page does not have.
  return frame.evaluate(() => {
    const doc = document.documentElement;
    const found: { el: Element; why: string }[] = [];
    if (doc.scrollWidth > doc.clientWidth)
      found.push({ el: doc, why: `scrollWidth ${doc.scrollWidth} > clientWidth ${doc.clientWidth}` });
    for (const el of document.querySelectorAll('table, pre')) {
      if (el.scrollWidth > el.clientWidth + 1)
        found.push({ el, why: `scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}` });
    }
    if (found.length > 0) {
      const limit = doc.clientWidth + 1;
      const sticking = [...document.body.querySelectorAll('*')].filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > limit;
      });
      for (const el of sticking.slice(-5))
        found.push({ el, why: `ends at ${Math.round(el.getBoundingClientRect().right)}` });
    }
    return found.map(({ el, why }) => {
      const id =
        el.getAttribute('data-testid') ?? el.getAttribute('data-check') ?? el.getAttribute('data-claim');
      const cls =
        typeof el.className === 'string' && el.className !== ''
          ? `.${el.className.split(' ').join('.')}`
          : '';
      return `${el.tagName.toLowerCase()}${cls}${id ? `[${id}]` : ''}: ${why}`;
    });
  });
}

/** Open every <details> and vscode-collapsible, so what they fold is laid out too; returns how to close them. */
async function unfoldAll(frame: Frame): Promise<() => Promise<void>> {
  const opened = await frame.evaluate(() => {
    let n = 0;
    for (const el of document.querySelectorAll('details:not([open]), vscode-collapsible:not([open])')) {
      el.setAttribute('open', '');
      el.setAttribute('data-unfolded-by-test', '');
      n++;
    }
    return n;
  });
  await frame.page().waitForTimeout(opened > 0 ? 200 : 0);
  return async () => {
    await frame.evaluate(() => {
      for (const el of document.querySelectorAll('[data-unfolded-by-test]')) {
        el.removeAttribute('open');
        el.removeAttribute('data-unfolded-by-test');
      }
    });
  };
}

/**
 * Contract C4: the element is on the first screen (inside the webview's viewport as it is now, nothing scrolled
 * by the test), not hidden, and its visible text matches `pattern`. Returns the problem, or undefined.
 */
async function onFirstScreen(frame: Frame, testid: string, pattern: RegExp): Promise<string | undefined> {
  const selector = `[data-testid="${testid}"]`;
  try {
    await frame.locator(selector).first().waitFor({ state: 'attached', timeout: 5000 });
  } catch {
    return `${testid}: no ${selector} element`;
  }
  const seen = await frame.evaluate((sel) => {
    const el = document.querySelector<HTMLElement>(sel);
    if (!el) return undefined;
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return {
      text: el.innerText.replace(/\s+/g, ' ').trim(),
      hidden: style.display === 'none' || style.visibility === 'hidden' || r.height === 0,
      top: r.top,
      bottom: r.bottom,
      left: r.left,
      right: r.right,
      width: window.innerWidth,
      height: window.innerHeight,
    };
  }, selector);
  if (!seen) return `${testid}: no ${selector} element`;
  if (seen.hidden) return `${testid}: hidden`;
  if (seen.top < 0 || seen.bottom > seen.height || seen.left < 0 || seen.right > seen.width + 1)
    return `${testid}: not on the first screen (box ${Math.round(seen.left)},${Math.round(seen.top)}..${Math.round(seen.right)},${Math.round(seen.bottom)} in a ${seen.width}x${seen.height} view): "${seen.text.slice(0, 120)}"`;
  if (!pattern.test(seen.text))
    return `${testid}: "${seen.text.slice(0, 200)}" does not match ${String(pattern)}`;
  return undefined;
}

/** The first rendered line of our hover (the verdict, contract C4). */
async function hoverFirstLine(page: Page): Promise<string> {
  const markdown = page
    .locator('.monaco-hover:not(.hidden) .rendered-markdown', { hasText: /Auth Debugger|Token Inspector/ })
    .first();
  await markdown.waitFor({ timeout: 10_000 });
  const first = await markdown.evaluate((el) => {
    const block = el.querySelector('p, h1, h2, h3, h4, li') ?? el;
    return block.textContent ?? '';
  });
  return first.replace(/\u00a0/g, ' ').trim();
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
  // Failing samples for the first-screen checks: groups edited under the old signature, and not yet valid.
  const tampered = tamperedToken(fixture.config.tokens.id);
  writeFileSync(join(fixture.dir, 'tampered.txt'), `${tampered}\n`);
  writeFileSync(join(fixture.dir, 'unsigned.txt'), `${unsignedToken(fixture.config.tokens.id)}\n`);
  writeFileSync(
    join(fixture.dir, 'tampered.http'),
    `### Edited groups\nGET https://api.example.com/reports\nAuthorization: Bearer ${tampered}\n`,
  );
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
      await shot(page, 'inspector');
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
      await shot(page, 'simulator');
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
      await shot(page, 'hover');
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
      await shot(page, 'xss', 'xss');
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

    await step('the answer is on the first screen; layouts hold at 360 px (dark and light)', async () => {
      const problems: string[] = [];
      let where = '';
      const check = (problem: string | undefined): void => {
        if (problem !== undefined) problems.push(`${where}: ${problem}`);
      };
      // Other views in the container (token scan, gateway) fold away, as a person would, to give it the height.
      await runCommand(page, 'Auth Debugger: Open Simulator');
      for (let i = 0; i < 5; i++) {
        const other = page
          .locator('.part.sidebar .pane-header.expanded')
          .filter({ hasNotText: 'Authorizer Simulator' });
        if ((await other.count()) === 0) break;
        await other.first().click();
        await page.waitForTimeout(300);
      }
      // The first rendered hover line is the verdict (C4); a tampered token never reads like a valid one.
      await setColorTheme(page, 'Dark Modern');
      await openFile(page, 'tampered.http');
      await hoverText(page, tampered.slice(0, 24));
      try {
        const first = await hoverFirstLine(page);
        if (!/invalid/i.test(first) || !/signature/i.test(first))
          problems.push(`hover: first line "${first}" does not say the signature is invalid`);
      } catch {
        problems.push('hover: no Auth Debugger hover over the tampered token');
      }
      await shot(page, 'hover-tampered', 'hover');
      await page.mouse.move(5, 5);
      // The fixture's routes again (the empty-state step left the sample configuration in their place).
      renameSync(join(fixture.dir, 'authdebug.yaml.bak'), join(fixture.dir, 'authdebug.yaml'));

      for (const [label, theme] of [
        ['Dark Modern', 'dark'],
        ['Light Modern', 'light'],
      ] as const) {
        await setColorTheme(page, label);

        // Simulator in the sidebar at 360 px: the access token on a method without scopes (REST Cognito).
        await runCommand(page, 'Auth Debugger: Open Simulator');
        const simulator = await webviewFrame(page, 'simulator');
        const sidebarWidth = Math.round(
          (await (await webviewElement(simulator)).boundingBox())?.width ?? 300,
        );
        const narrow = await setWebviewWidth(page, simulator, 360);
        if (Math.abs(narrow - 360) > 3) problems.push(`simulator: could only reach ${narrow} px, not 360`);
        await simulator
          .locator('vscode-single-select[data-testid=route] vscode-option', { hasText: /GET \/reports →/ })
          .first()
          .waitFor({ state: 'attached', timeout: 10_000 });
        const simulateRoute = async (token: string, route: string, request: string): Promise<void> => {
          await simulator.locator('vscode-textarea[data-testid=token] textarea').fill(token);
          await simulator.locator('vscode-single-select[data-testid=route]').click();
          await simulator
            .locator('vscode-single-select[data-testid=route] .option', { hasText: route })
            .first()
            .click();
          await simulator.locator('vscode-textfield[data-testid=request] input').fill(request);
          await simulator.locator('vscode-button', { hasText: 'Simulate' }).first().click();
        };
        await simulateRoute(fixture.config.tokens.access, 'GET /orders/{id}', 'GET /orders/42');
        await simulator.locator('[data-testid=decision]', { hasText: 'DENY · 401' }).waitFor();
        await page.waitForTimeout(300);
        where = `simulator 360 px ${theme}, access token on a method without scopes`;
        check(await onFirstScreen(simulator, 'decision-verdict', /DENY · 401/));
        // The reason names the token use; the fix says which token to send.
        check(await onFirstScreen(simulator, 'decision-reason', /access token|token_use|token use/i));
        check(await onFirstScreen(simulator, 'decision-fix', /ID token/i));
        await webviewShot(simulator, `simulator-360-${theme}`);
        if (theme === 'dark') await shot(page, 'simulator-360-workbench', 'simulator');
        // RBAC: the route requires a group the token does not have; the reason and the fix say which.
        await simulateRoute(fixture.config.tokens.id, 'GET /reports', 'GET /reports');
        await simulator.locator('[data-testid=decision]', { hasText: 'DENY · 403' }).waitFor();
        await page.waitForTimeout(300);
        where = `simulator 360 px ${theme}, ID token without the group finance`;
        check(await onFirstScreen(simulator, 'decision-verdict', /DENY · 403/));
        check(await onFirstScreen(simulator, 'decision-reason', /finance/));
        check(await onFirstScreen(simulator, 'decision-fix', /finance/));
        let fold = await unfoldAll(simulator);
        for (const o of await horizontalOverflow(simulator)) problems.push(`simulator 360 px ${theme}: ${o}`);
        await simulator.locator('ol.trace').first().scrollIntoViewIfNeeded();
        await webviewShot(simulator, `simulator-360-trace-${theme}`);
        await fold();
        // Wide: nothing may change but the room it has.
        await setWebviewWidth(page, simulator, 760);
        await simulateRoute(fixture.config.tokens.access, 'GET /orders/{id}', 'GET /orders/42');
        await simulator.locator('[data-testid=decision]', { hasText: 'DENY · 401' }).waitFor();
        await page.waitForTimeout(300);
        for (const o of await horizontalOverflow(simulator)) problems.push(`simulator wide ${theme}: ${o}`);
        await webviewShot(simulator, `simulator-wide-${theme}`);
        await setWebviewWidth(page, simulator, sidebarWidth);

        // Token Inspector at 360 px: the tampered token's verdict line names the signature.
        await decodeFile(page, 'tampered.txt');
        let inspector = await webviewFrame(page, 'inspector');
        await inspector.locator('[data-testid=verdict]').first().waitFor({ timeout: 15_000 });
        if (theme === 'dark') {
          await page.waitForTimeout(300);
          await shot(page, 'inspector-invalid-workbench', 'inspector');
        }
        const inspectorWidth = Math.round(
          (await (await webviewElement(inspector)).boundingBox())?.width ?? 0,
        );
        const reached = await setWebviewWidth(page, inspector, 360);
        if (Math.abs(reached - 360) > 3) problems.push(`inspector: could only reach ${reached} px, not 360`);
        await page.waitForTimeout(300);
        where = `inspector 360 px ${theme}, tampered token`;
        check(await onFirstScreen(inspector, 'verdict-line', /signature/i));
        const passedFolded = await inspector.evaluate(() => {
          const details = document.querySelector('details[data-testid="passed-checks"]');
          return details === null ? 'missing' : details.hasAttribute('open') ? 'open' : 'folded';
        });
        if (passedFolded !== 'folded') check(`passed checks ${passedFolded}, not folded`);
        await webviewShot(inspector, `inspector-360-${theme}`);
        if (theme === 'dark') await shot(page, 'inspector-360-workbench');
        fold = await unfoldAll(inspector);
        for (const o of await horizontalOverflow(inspector)) problems.push(`inspector 360 px ${theme}: ${o}`);
        await inspector.locator('table.claims').first().scrollIntoViewIfNeeded();
        await webviewShot(inspector, `inspector-360-claims-${theme}`);
        await fold();
        // "Compare with…" the valid token: the differing claims side by side must fit too.
        try {
          await inspector
            .locator('vscode-button', { hasText: 'Compare with' })
            .first()
            .click({ timeout: 5000 });
          await inspector
            .locator('vscode-textarea[data-testid=compare-input] textarea')
            .fill(fixture.config.tokens.id, { timeout: 5000 });
          await inspector
            .locator('vscode-button')
            .filter({ hasText: 'Compare', hasNotText: 'Compare with' })
            .first()
            .click({ timeout: 5000 });
          await inspector.locator('[data-testid=comparison]').first().waitFor({ timeout: 10_000 });
          await inspector.locator('[data-testid=comparison]').first().scrollIntoViewIfNeeded();
          fold = await unfoldAll(inspector);
          for (const o of await horizontalOverflow(inspector))
            problems.push(`inspector 360 px ${theme}, compared: ${o}`);
          await webviewShot(inspector, `inspector-360-compare-${theme}`);
          await fold();
        } catch (error) {
          problems.push(
            `inspector 360 px ${theme}: Compare with… did not show a comparison (${String(error).split('\n')[0]})`,
          );
        }
        // Unsigned (alg none): the verdict line says why.
        await decodeFile(page, 'unsigned.txt');
        inspector = await webviewFrame(page, 'inspector');
        await inspector.locator('[data-testid=verdict]').first().waitFor({ timeout: 15_000 });
        await page.waitForTimeout(300);
        where = `inspector 360 px ${theme}, unsigned token (alg none)`;
        check(await onFirstScreen(inspector, 'verdict-line', /alg|none|unsigned|signature/i));
        // Wide: the valid sample, every part unfolded.
        await decodeFile(page, 'token.txt');
        inspector = await webviewFrame(page, 'inspector');
        await inspector
          .locator('[data-testid=verdict]', { hasText: 'Valid' })
          .first()
          .waitFor({ timeout: 15_000 });
        await setWebviewWidth(page, inspector, 900);
        await page.waitForTimeout(300);
        fold = await unfoldAll(inspector);
        for (const o of await horizontalOverflow(inspector)) problems.push(`inspector wide ${theme}: ${o}`);
        await fold();
        await webviewShot(inspector, `inspector-wide-${theme}`);
        if (inspectorWidth > 0) await setWebviewWidth(page, inspector, inspectorWidth);
      }
      assert.deepEqual(problems, [], problems.join('\n'));
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
