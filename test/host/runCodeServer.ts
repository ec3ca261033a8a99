// `npm run test:host`: runs the extension-host suites inside code-server (a real VS Code) driven by Chromium,
// once in a trusted workspace and once in Restricted Mode. See docs/testing-in-real-vscode.md.
import { performance } from 'node:perf_hooks';
import { format } from 'node:util';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { extensionTestUrl, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { startSeededCognitoLocal } from '../support/cognitoLocal.ts';
import type { SeededCognitoLocal } from '../support/cognitoLocal.ts';
import { ROOT, TESTS_ENTRY, buildExtensionAndTests } from './buildTests.ts';
import { createFixture } from './workspace.ts';
import type { HostTestConfig } from './workspace.ts';

const SUITE_TIMEOUT_MS = 240_000;
/** Workbench chatter that reaches the same console as the tests (offline marketplace, sockets, timings). */
const NOISE =
  /open-vsx\.org|Creating a socket|connection token|\[AgentHost|AccountPolicyGate|Service Worker|builtin extensions cache|grace time|Creation of workbench contribution|authentication provider 'github'/;

function log(message: string): void {
  process.stdout.write(`[test:host] ${message}\n`);
}

async function runMode(mode: HostTestConfig['mode'], local: SeededCognitoLocal | undefined): Promise<number> {
  const started = performance.now();
  const extra = local
    ? {
        local: { issuer: local.pool.issuer, jwksUrl: local.pool.jwksUrl, clientId: local.pool.clientId },
        localId: local.tokens['alice']?.idToken,
      }
    : {};
  const fixture = await createFixture(mode, extra);
  const server = await startCodeServer({
    workspace: fixture.dir,
    trust: mode === 'trusted',
    smokeTestDriver: true,
    log,
  });
  const browser = await launchChromium();
  try {
    const exit = new Promise<number>((resolve) => {
      void browser.page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await browser.page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = format(...args);
      if (NOISE.test(line.split('\n')[0] ?? '')) return;
      if (type === 'error') process.stderr.write(`${line}\n`);
      else process.stdout.write(`${line}\n`);
    });
    const url = extensionTestUrl({
      url: server.url,
      port: server.port,
      folder: fixture.dir,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: TESTS_ENTRY,
    });
    await browser.page.goto(url);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        log(`${mode}: no result within ${SUITE_TIMEOUT_MS / 1000} s (code-server log: ${server.logFile})`);
        resolve(1);
      }, SUITE_TIMEOUT_MS);
    });
    const code = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    log(`${mode} suite: exit ${code} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return code;
  } finally {
    await browser.close();
    await server.stop();
    await fixture.dispose();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  await buildExtensionAndTests();
  let local: SeededCognitoLocal | undefined;
  try {
    local = await startSeededCognitoLocal({ log });
  } catch (error) {
    log(
      `cognito-local unavailable, its test is skipped: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    const trusted = await runMode('trusted', local);
    const restricted = await runMode('restricted', undefined);
    log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
    process.exitCode = trusted === 0 && restricted === 0 ? 0 : 1;
  } finally {
    await local?.stop();
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
