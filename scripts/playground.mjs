#!/usr/bin/env node
// `npm start`: the playground. Installs the tools, builds and installs the extension into a local VS Code
// (code-server), starts cognito-local and an ALB key endpoint on loopback, writes a sample workspace and opens it.
// `npm start -- --check` brings everything up, verifies it, and shuts it down (exit 0/1).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ToolsError, ensureTools, toolPaths } from './tools.mjs';
import { installVsix, startCodeServer } from './lib/codeServer.mjs';
import { startCognitoLocal } from './lib/cognitoLocal.mjs';
import { LaunchError, assertPortFree } from './lib/proc.mjs';
import { startAlbKeyServer } from './lib/sampleTokens.mjs';
import { prepareSampleData, writeSampleWorkspace } from './lib/sampleWorkspace.mjs';
import { runChecks } from './playground/check.mjs';
import { build, packageVsix } from './playground/steps.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: npm start [-- options]
  --port N          port of the local VS Code on 127.0.0.1 (default 8080; with --check a free port)
  --workspace DIR   where to write the sample workspace (default: playground/ in the repository)
  --check           start everything, verify each part and the samples, shut down; exit 0 when all pass
  --no-build        use the existing dist/ (skip npm run build and npm run package)
  --screenshot FILE also load the workbench in headless Chromium and save a screenshot (needs Debian chromium)
  --help`;

function parseArgs(argv) {
  const o = {
    port: undefined,
    workspace: path.join(REPO, 'playground'),
    check: false,
    build: true,
    screenshot: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new LaunchError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === '--port') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 65535)
        throw new LaunchError('--port must be a number from 1 to 65535');
      o.port = n;
    } else if (flag === '--workspace') o.workspace = path.resolve(value());
    else if (flag === '--check') o.check = true;
    else if (flag === '--no-build') o.build = false;
    else if (flag === '--screenshot') o.screenshot = path.resolve(value());
    else if (flag === '--help' || flag === '-h') o.help = true;
    else throw new LaunchError(`unknown option ${a}\n${USAGE}`);
  }
  return o;
}

const log = (m) => console.log(`[playground] ${m}`);
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;

/** Everything started so far, stopped in reverse order on exit, failure or Ctrl-C. */
const cleanups = [];
let shuttingDown;
function shutdown(code, why) {
  shuttingDown ??= (async () => {
    if (why) log(why);
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        log(`cleanup: ${e?.message ?? e}`);
      }
    }
    process.exit(code);
  })();
  return shuttingDown;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const t0 = Date.now();
  let interruptedAt = 0;
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ]) {
    process.on(sig, () => {
      // Under `npm start` one Ctrl-C arrives twice (from the terminal and forwarded by npm): only a later,
      // deliberate second one forces the exit (exit hooks still kill the servers' process groups).
      if (interruptedAt && Date.now() - interruptedAt > 1500) process.exit(code);
      if (interruptedAt) return;
      interruptedAt = Date.now();
      void shutdown(code, `${sig}: stopping everything ...`);
    });
  }

  const port = opts.port ?? (opts.check ? 0 : 8080);
  if (port) await assertPortFree(port, '127.0.0.1', 'local VS Code (code-server)');

  log(`tools cache: ${toolPaths().toolsDir}`);
  const tools = await ensureTools({ log });
  log(`tools ready (${secs(tools.totalMs)})`);

  let vsix;
  if (opts.build) {
    await build(REPO, log);
    vsix = await packageVsix(REPO, log);
  } else log('--no-build: using the existing dist/ and no VSIX');

  const cognito = await startCognitoLocal({ log });
  cleanups.push(() => cognito.stop());
  const keyServer = await startAlbKeyServer();
  cleanups.push(() => keyServer.stop());
  log(`ALB key endpoint on ${keyServer.baseUrl}/${keyServer.kid}`);

  const data = await prepareSampleData({ cognito, keyServer, cognitoLocalDir: tools.cognitoLocalDir });
  fs.mkdirSync(opts.workspace, { recursive: true });
  const { cases } = writeSampleWorkspace(opts.workspace, data, { repoDir: REPO });
  log(`sample workspace written to ${opts.workspace}`);

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'authdbg-playground-'));
  cleanups.push(() => fs.rmSync(runDir, { recursive: true, force: true }));
  const extensionsDir = path.join(runDir, 'extensions');
  const userDataDir = path.join(runDir, 'user-data');
  if (vsix) {
    await installVsix({ vsixPath: vsix, extensionsDir, userDataDir, log });
  }
  const codeServer = await startCodeServer({
    workspace: opts.workspace,
    port: port || undefined,
    extensionsDir,
    userDataDir,
    settings: { 'workbench.startupEditor': 'readme' },
    log,
  });
  cleanups.push(() => codeServer.stop());
  // A server dying under us ends the playground rather than leaving half of it running.
  for (const [name, proc] of [
    ['code-server', codeServer],
    ['cognito-local', cognito],
  ]) {
    void proc.exited.then(() => {
      if (!shuttingDown)
        void shutdown(1, `${name} exited unexpectedly; stopping everything (log: ${proc.logFile})`);
    });
  }

  if (opts.screenshot) await screenshot(codeServer.url, opts.screenshot);

  const readyIn = Date.now() - t0;
  printBanner({
    codeServer,
    cognito,
    keyServer,
    data,
    workspace: opts.workspace,
    vsix,
    readyIn,
    check: opts.check,
  });

  if (opts.check) {
    const started = Date.now();
    console.log('\nchecks:');
    const counts = await runChecks({
      repoDir: REPO,
      workspaceDir: opts.workspace,
      data,
      cases,
      codeServer,
      vsix,
      cognito,
      keyServer,
      print: (l) => console.log(l),
    });
    console.log(
      `\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (checks ${secs(Date.now() - started)}, total ${secs(Date.now() - t0)})`,
    );
    if (counts.skipped)
      console.log(
        `WARNING: ${counts.skipped} check(s) SKIPPED because parts of the project do not exist yet`,
      );
    await shutdown(counts.failed ? 1 : 0, 'check done: stopping everything ...');
    return counts.failed ? 1 : 0;
  }
  log('press Ctrl-C to stop everything');
  await new Promise(() => {}); // until a signal or a crash calls shutdown
  return 0;
}

function printBanner({ codeServer, cognito, keyServer, data, workspace, vsix, readyIn, check }) {
  const users = data.users
    .map(
      (u) =>
        `      ${u.username.padEnd(5)} ${u.password.padEnd(14)} groups ${u.groups.join(',').padEnd(8)} tenant ${u.attributes['custom:tenant']}`,
    )
    .join('\n');
  console.log(`
Auth Debugger playground is ${check ? 'up (checking)' : 'ready'} in ${secs(readyIn)}:
  VS Code        ${codeServer.url}   (loopback only, no password; workspace ${workspace})
  extension      ${vsix ? path.basename(vsix) : 'NOT INSTALLED (no VSIX yet)'}
  cognito-local  ${cognito.endpoint}   pool ${data.cognito.poolId}, app client ${data.cognito.clientId}
  issuer         ${data.cognito.issuer}
  ALB keys       ${keyServer.baseUrl}/${keyServer.kid}
  users (sign-in with USER_PASSWORD_AUTH):
${users}
Try first: open ${codeServer.url} and requests.http, hover an Authorization line; select a token and run
"Auth Debugger: Decode Token" (F1); open the Auth Debugger sidebar to simulate a route from authdebug.yaml.
The workspace README lists every sample and the outcome it should have.`);
}

async function screenshot(url, file) {
  const { launchChromium } = await import('./lib/chromium.mjs');
  const browser = await launchChromium();
  try {
    await browser.page.goto(url);
    await browser.page.waitForSelector('.monaco-workbench', { timeout: 30_000 });
    // The workspace README opens as a preview (a webview): wait until its text is rendered.
    const deadline = Date.now() + 20_000;
    let rendered = false;
    while (!rendered && Date.now() < deadline) {
      for (const frame of browser.page.frames()) {
        const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (text.includes('What to try first')) rendered = true;
      }
      if (!rendered) await browser.page.waitForTimeout(250);
    }
    if (!rendered) log('note: the README preview did not render within 20 s; taking the screenshot anyway');
    await browser.page.waitForTimeout(500);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await browser.page.screenshot({ path: file });
    log(`screenshot saved to ${file}`);
  } finally {
    await browser.close();
  }
}

main().then(
  (code) => shutdown(code),
  (e) => {
    const known = e instanceof LaunchError || e instanceof ToolsError;
    console.error(`[playground] ERROR: ${known ? e.message : (e?.stack ?? e)}`);
    return shutdown(1, cleanups.length ? 'stopping everything that was started ...' : undefined);
  },
);
