// Starts a real VS Code (code-server on Node 24) on loopback for the playground and the extension's tests.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTools } from '../tools.mjs';
import { LaunchError, assertPortFree, freePort, httpGet, spawnGroup, waitUntil } from './proc.mjs';

/** User settings that keep the workbench quiet and offline (see testing-in-real-vscode.md). */
export const DEFAULT_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'chat.disableAIFeatures': true,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.openRepositoryInParentFolders': 'never',
});

/** A private HOME/XDG tree so code-server (and anything it spawns) never writes into the real home. */
function makeRunDir(prefix) {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const env = {
    HOME: path.join(runDir, 'home'),
    XDG_CONFIG_HOME: path.join(runDir, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(runDir, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(runDir, 'xdg', 'cache'),
  };
  for (const d of Object.values(env)) fs.mkdirSync(d, { recursive: true });
  return { runDir, env };
}

function childEnv(runEnv) {
  const env = { ...process.env, ...runEnv };
  // Variables that would change code-server's behaviour or leak the caller's session into it.
  for (const k of ['PASSWORD', 'HASHED_PASSWORD', 'VSCODE_PROXY_URI', 'NODE_OPTIONS', 'ELECTRON_RUN_AS_NODE'])
    delete env[k];
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_IPC') || k.startsWith('npm_')) delete env[k];
  return env;
}

/** Merges `settings` over the defaults into `<userDataDir>/User/settings.json` (keeps keys already there). */
export function writeUserSettings(userDataDir, settings = {}) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let current = {};
  try {
    current = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    /* none yet */
  }
  fs.writeFileSync(file, JSON.stringify({ ...DEFAULT_SETTINGS, ...current, ...settings }, null, 2) + '\n');
  return file;
}

/**
 * Starts code-server on 127.0.0.1 and resolves once GET /healthz answers.
 * @param {{workspace?: string, port?: number, extensionsDir?: string, userDataDir?: string,
 *   settings?: Record<string, unknown>, trust?: boolean, smokeTestDriver?: boolean, log?: (m: string) => void,
 *   timeoutMs?: number, keepRunDir?: boolean, extraArgs?: string[]}} opts
 *   trust (default true) passes --disable-workspace-trust; false leaves trust on (restricted-mode tests).
 * @returns {Promise<{url: string, port: number, pid: number, runDir: string, logFile: string,
 *   extensionsDir: string, userDataDir: string, workspace?: string, stop: () => Promise<void>}>}
 */
export async function startCodeServer(opts = {}) {
  const log = opts.log ?? (() => {});
  const host = '127.0.0.1';
  const tools = await ensureTools({ log, only: ['node24', 'codeServer'] });
  if (opts.port) await assertPortFree(opts.port, host, 'code-server');
  const port = opts.port || (await freePort(host));
  const { runDir, env } = makeRunDir('authdbg-code-server-');
  const userDataDir = opts.userDataDir ?? path.join(runDir, 'user-data');
  const extensionsDir = opts.extensionsDir ?? path.join(runDir, 'extensions');
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, opts.settings);
  const config = path.join(runDir, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: ${host}:${port}\nauth: none\ncert: false\n`);
  const logFile = path.join(runDir, 'code-server.log');

  const args = [
    tools.codeServerEntry,
    '--config',
    config,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--bind-addr',
    `${host}:${port}`,
  ];
  if (opts.trust !== false) args.push('--disable-workspace-trust');
  if (opts.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  if (opts.extraArgs) args.push(...opts.extraArgs);
  if (opts.workspace) args.push(path.resolve(opts.workspace));

  log(`starting code-server on http://${host}:${port}/ (log: ${logFile})`);
  const started = Date.now();
  const proc = spawnGroup(tools.node24Bin, args, { env: childEnv(env), cwd: runDir, logFile });
  const cleanup = async () => {
    await proc.stop();
    if (!opts.keepRunDir) fs.rmSync(runDir, { recursive: true, force: true });
  };
  try {
    await waitUntil(async () => (await httpGet(`http://${host}:${port}/healthz`)).status === 200, {
      timeoutMs: opts.timeoutMs ?? 60_000,
      child: proc.child,
      what: 'code-server',
      logFile,
    });
  } catch (e) {
    const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    await cleanup();
    if (/EADDRINUSE/.test(text)) {
      throw new LaunchError(`port ${port} on ${host} is already in use, so code-server cannot start there.`);
    }
    throw e;
  }
  log(`code-server answered /healthz after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  const url = `http://${host}:${port}/`;
  return {
    url,
    port,
    pid: proc.child.pid ?? 0,
    runDir,
    logFile,
    extensionsDir,
    userDataDir,
    workspace: opts.workspace ? path.resolve(opts.workspace) : undefined,
    exited: proc.exited,
    stop: cleanup,
  };
}

/**
 * Installs a VSIX with code-server's own CLI (same dirs the server will use). Why: tests the packaged artifact.
 * @param {{vsixPath: string, extensionsDir: string, userDataDir: string, log?: (m: string) => void}} opts
 */
export async function installVsix({ vsixPath, extensionsDir, userDataDir, log = () => {} }) {
  if (!fs.existsSync(vsixPath))
    throw new LaunchError(`VSIX not found: ${vsixPath} (run \`npm run package\`)`);
  const tools = await ensureTools({ log, only: ['node24', 'codeServer'] });
  const { runDir, env } = makeRunDir('authdbg-vsix-');
  try {
    fs.mkdirSync(extensionsDir, { recursive: true });
    fs.mkdirSync(userDataDir, { recursive: true });
    const r = spawnSync(
      tools.node24Bin,
      [
        tools.codeServerEntry,
        '--user-data-dir',
        userDataDir,
        '--extensions-dir',
        extensionsDir,
        '--disable-telemetry',
        '--install-extension',
        path.resolve(vsixPath),
        '--force',
      ],
      { env: childEnv(env), cwd: runDir, encoding: 'utf8', timeout: 120_000 },
    );
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    if (r.status !== 0 || !/successfully installed/i.test(output)) {
      throw new LaunchError(`installing ${vsixPath} into code-server failed (exit ${r.status}):\n${output}`);
    }
    log(output.split('\n').pop() ?? '');
    return { output };
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

/**
 * The workbench URL that runs an extension-host test suite (needs smokeTestDriver: true on the server).
 * @param {{url: string, port: number, folder: string, extensionDevelopmentPath: string, extensionTestsPath: string}} o
 */
export function extensionTestUrl({ url, port, folder, extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
    ['extensionTestsPath', remote(extensionTestsPath)],
  ];
  return `${url}?folder=${encodeURIComponent(path.resolve(folder))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** The workbench URL that opens `folder` (code-server otherwise opens the folder it was started with). */
export function folderUrl(url, folder) {
  return `${url}?folder=${encodeURIComponent(path.resolve(folder))}`;
}
