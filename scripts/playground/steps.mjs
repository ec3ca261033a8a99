// Build and package steps of the playground: run the project's npm scripts, quietly unless they fail.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LaunchError } from '../lib/proc.mjs';

/** Runs `npm run <script>` in `cwd`, capturing output; resolves {ok, output, ms}. */
export function npmRun(cwd, script, args = []) {
  const started = Date.now();
  return new Promise((resolve) => {
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
    const child = spawn('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', (e) =>
      resolve({ ok: false, output: `${output}${e.message}`, ms: Date.now() - started }),
    );
    child.on('exit', (code) => resolve({ ok: code === 0, output, ms: Date.now() - started }));
  });
}

/** True when package.json declares the npm script. */
export function hasScript(repoDir, name) {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoDir, 'package.json'), 'utf8'));
  return typeof pkg.scripts?.[name] === 'string';
}

/** Builds the extension and CLI (`npm run build`); throws a LaunchError with the tail of the output on failure. */
export async function build(repoDir, log) {
  log('building (npm run build) ...');
  const r = await npmRun(repoDir, 'build');
  if (!r.ok)
    throw new LaunchError(`npm run build failed:\n${r.output.trim().split('\n').slice(-25).join('\n')}`);
  log(`built in ${(r.ms / 1000).toFixed(1)}s`);
}

/**
 * Packages the VSIX with `npm run package` when the project has that script; returns its path or undefined.
 * The newest .vsix in the repo root (or the path vsce prints) is the result.
 */
export async function packageVsix(repoDir, log) {
  if (!hasScript(repoDir, 'package')) {
    log(
      'SKIP packaging: package.json has no "package" script yet, so no VSIX is installed (the editor runs without the extension)',
    );
    return undefined;
  }
  log('packaging the extension (npm run package) ...');
  const started = Date.now();
  const r = await npmRun(repoDir, 'package');
  if (!r.ok)
    throw new LaunchError(`npm run package failed:\n${r.output.trim().split('\n').slice(-25).join('\n')}`);
  const printed = /Packaged:\s*(\S+\.vsix)/.exec(r.output)?.[1];
  let vsix = printed ? path.resolve(repoDir, printed) : undefined;
  if (!vsix || !fs.existsSync(vsix)) {
    const found = fs
      .readdirSync(repoDir)
      .filter((f) => f.endsWith('.vsix'))
      .map((f) => path.join(repoDir, f))
      .filter((f) => fs.statSync(f).mtimeMs >= started - 1000)
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    vsix = found[0];
  }
  if (!vsix)
    throw new LaunchError('npm run package succeeded but no new .vsix was found in the repository root');
  log(`packaged ${path.relative(repoDir, vsix)} in ${(r.ms / 1000).toFixed(1)}s`);
  return vsix;
}
